//! `legalmap import` and `legalmap export`, run as the real binary against a real database.

use std::process::{Command, Output};

use legalmap::db::Db;
use legalmap::domain::{Datum, LonLat};

use legalmap::db::ACCOUNT_LOCK;
use legalmap::domain::account_event::{AccountAction, AccountEventFilter};
use legalmap::domain::staff::Role;

use crate::support::{ParseCode, TestApp};

fn legalmap(args: &[&str], database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_legalmap"))
        .args(args)
        .env("LEGALMAP_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

const HEADER: &str = "code,name,town_code,town,kind,address,phone,hours,lon,lat,crs,location_quality,source";
const EXPORT_HEADER: &str =
    "code,name,town_code,town,kind,address,phone,hours,lon,lat,crs,location_quality,source,area_type";

#[tokio::test]
async fn a_file_with_bad_rows_reports_each_and_imports_nothing() {
    let app = TestApp::new().await;
    let before = app.state.db.active_points().await.unwrap();
    let csv = [
        HEADER,
        // line 2: a good change, which must not be applied because of the bad rows below
        "331003001001,百花社区,331003001,东城街道,community,,0576-84000000,,121.268439,28.644744,gcj02,surveyed,test",
        "331003001002,东浦社区,331003001,东城街道,community,,,,121.27,28.65,mars,geocoded,test",
        "331003001003,塔苑社区,331003001,东城街道,community,,,,181.0,28.65,wgs84,geocoded,test",
        "331003001004,山亭社区,331003001,东城街道,community,,,,2.35,48.85,wgs84,geocoded,test",
        "331003001001,百花社区,331003001,东城街道,community,,,,121.26,28.64,wgs84,geocoded,test",
        "331003001005,,331003001,东城街道,community,,,,121.26,28.64,wgs84,geocoded,test",
        "33100300100X,某社区,331003001,东城街道,community,,,,121.26,28.64,wgs84,geocoded,test",
        "331003001006,某社区,331003002,东城街道,community,,call me,,121.26,28.64,wgs84,geocoded,test",
        "331003001007,某社区,331003001,东城街道,hamlet,,,,121.26,abc,wgs84,guessed,",
        "331003001008,某社区,331003001,东城街道,community,,,,121.26",
    ]
    .join("\n");
    let file = app._dir.path().join("bad.csv");
    std::fs::write(&file, csv).unwrap();

    let output = legalmap(&["import", file.to_str().unwrap()], &app.database_url);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    for expected in [
        "第 3 行：坐标系应为 wgs84、gcj02 或 bd09（unknown datum \"mars\"",
        "第 4 行：经度超出范围（longitude 181 is outside -180..180）",
        "第 5 行：不在中国境内，经纬度是否写反？（position 2.35,48.85 is outside China",
        "第 6 行：编码重复，首次出现在第 2 行（duplicate code 331003001001 (first on row 2)）",
        "第 7 行：缺少名称（missing name）",
        "第 8 行：编码须为 12 位数字（code \"33100300100X\" is not a 12-digit NBS village code）",
        "第 9 行：镇街代码与编码不符（town_code 331003002 does not match the code's town 331003001）",
        "电话格式不正确（phone \"call me\" is not a phone number）",
        "第 10 行：缺少来源（missing source）；类型无效（unknown kind \"hamlet\"",
        "纬度不是数字（lat \"abc\" is not a number）",
        "位置质量无效（unknown location_quality \"guessed\"",
        "第 11 行：列数与表头不一致（has 9 fields, the header has 13）",
        "9 bad row(s)",
        "nothing was imported",
    ] {
        assert!(stderr.contains(expected), "stderr lacks {expected:?}:\n{stderr}");
    }
    assert_eq!(app.state.db.active_points().await.unwrap(), before, "the store changed");
}

#[tokio::test]
async fn imports_adds_and_changes_converting_to_wgs84() {
    let app = TestApp::new().await;
    // A new point given in Baidu's datum, and a phone number for an existing one.
    let baidu = Datum::Bd09.from_wgs84(LonLat::parse(121.25, 28.66).unwrap());
    let csv = format!(
        "{HEADER}\n331003004900,测试社区,331003004,北城街道,community,北城路1号,,,{},{},bd09,surveyed,test row\n\
         331003001001,百花社区居委会,331003001,东城街道,community,,0576-84000000,,121.268439,28.644744,gcj02,geocoded,test row\n",
        baidu.lon(),
        baidu.lat()
    );
    let file = app._dir.path().join("good.csv");
    std::fs::write(&file, csv).unwrap();
    let output = legalmap(&["import", file.to_str().unwrap()], &app.database_url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("1 added, 1 changed, 0 unchanged, 0 retired (import #1"), "{stdout}");
    let batches = app.state.db.import_batches().await.unwrap();
    assert_eq!(batches.len(), 1, "the command line's import is listed for undo");
    assert!(batches[0].file_name.ends_with("good.csv") && batches[0].applied_by.starts_with("import: "));

    let db = Db::connect(&app.database_url).await.unwrap();
    let points = db.active_points().await.unwrap();
    assert_eq!(points.len(), 347);
    let added = points.iter().find(|p| p.record.code.as_str() == "331003004900").unwrap();
    assert!(added.record.location.distance_m(LonLat::parse(121.25, 28.66).unwrap()) < 0.01);
    assert_eq!(added.record.address.as_deref(), Some("北城路1号"));
    let changed = points.iter().find(|p| p.record.code.as_str() == "331003001001").unwrap();
    assert_eq!(changed.record.phone.as_deref(), Some("0576-84000000"));
    assert_eq!(changed.version, 2);
}

#[tokio::test]
async fn export_writes_wgs84_that_imports_back_unchanged() {
    let app = TestApp::new().await;
    let file = app._dir.path().join("export.csv");
    let output = legalmap(&["export", "--output", file.to_str().unwrap()], &app.database_url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with(EXPORT_HEADER));
    assert_eq!(csv.lines().count(), 347);
    assert!(csv.lines().skip(1).all(|line| line.contains(",wgs84,")));

    let output = legalmap(&["import", file.to_str().unwrap()], &app.database_url);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("0 added, 0 changed, 346 unchanged, 0 retired"), "{stdout}");
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let output = legalmap(&["import", "/nonexistent/points.csv"], &url);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot open /nonexistent/points.csv"));
}

#[tokio::test]
async fn spreadsheet_formulas_are_defused_in_exports_and_restored_on_import() {
    let app = TestApp::new().await;
    let file = app._dir.path().join("formula.csv");
    let csv = format!(
        "{HEADER}\n331003001001,=HYPERLINK(\"http://x\"),331003001,东城街道,community,,+86 576 8400 0000,,121.268439,28.644744,gcj02,geocoded,test\n"
    );
    std::fs::write(&file, csv).unwrap();
    assert!(legalmap(&["import", file.to_str().unwrap()], &app.database_url).status.success());
    let exported = app._dir.path().join("export.csv");
    assert!(
        legalmap(&["export", "--output", exported.to_str().unwrap()], &app.database_url).status.success()
    );
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\")\"") && text.contains(",'+86 576 8400 0000,"),
        "{}",
        &text[..400]
    );
    let reimport = legalmap(&["import", exported.to_str().unwrap()], &app.database_url);
    assert!(String::from_utf8_lossy(&reimport.stdout).contains("0 added, 0 changed, 346 unchanged"));
}

/// `legalmap synth` writes a set that imports as it is (every row valid), marked synthetic,
/// and the same again for the same seed; bad counts are refused with a clear message.
#[test]
fn synthetic_points_import_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("synth.db").display());
    let (points, origins) = (dir.path().join("points.csv"), dir.path().join("origins.csv"));
    let args = ["synth", "--count", "2000", "--seed", "7", "--origin-count", "50"];
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    let output =
        legalmap(&[&args[..], &["--output", &path(&points), "--origins", &path(&origins)]].concat(), &url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let csv = std::fs::read_to_string(&points).unwrap();
    assert_eq!(csv.lines().count(), 2001);
    assert!(
        csv.lines().skip(1).all(|line| line.contains(",合成") && line.contains("synthetic: legalmap synth"))
    );
    assert_eq!(std::fs::read_to_string(&origins).unwrap().lines().count(), 51);

    let again = legalmap(&args, &url);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), csv, "same seed, same points");

    let output = legalmap(&["import", &path(&points)], &url);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("2000 added"), "{stdout}{}", String::from_utf8_lossy(&output.stderr));

    let refused = legalmap(&["synth", "--count", "0"], &url);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--count"));
}

/// The current points as exported, with 331003001001 renamed to 百花社区, in GBK as Excel on a
/// Chinese Windows saves it.
async fn gbk_export_renaming_baihua(app: &TestApp) -> Vec<u8> {
    let file = app._dir.path().join("export.csv");
    assert!(legalmap(&["export", "--output", file.to_str().unwrap()], &app.database_url).status.success());
    let csv = std::fs::read_to_string(&file).unwrap().replace("百花社区居委会", "百花社区");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable && std::str::from_utf8(&gbk).is_err(), "really GBK");
    gbk.into_owned()
}

#[tokio::test]
async fn a_dry_run_reads_gbk_reports_and_changes_nothing() {
    let app = TestApp::new().await;
    let before = app.state.db.all_points().await.unwrap();
    let file = app._dir.path().join("excel.csv");
    std::fs::write(&file, gbk_export_renaming_baihua(&app).await).unwrap();

    let output = legalmap(&["import", "--dry-run", file.to_str().unwrap()], &app.database_url);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("GBK/GB18030"), "{stdout}");
    assert!(stdout.contains("新增 0，修改 1，不变 345，撤销 0"), "{stdout}");
    assert!(stdout.contains("0 new, 1 changed, 345 unchanged, 0 retired"), "{stdout}");
    assert_eq!(app.state.db.all_points().await.unwrap(), before, "nothing changed");
    assert!(app.state.db.import_batches().await.unwrap().is_empty());

    // A bad row (Excel row 3): reported Chinese first, exit code non-zero, still nothing changed.
    let mut bad = std::fs::read(&file).unwrap();
    let (row, _, _) = encoding_rs::GBK.encode(
        "331003001999,某社区,331003001,东城街道,community,,,,181,28.64,wgs84,geocoded,测试,urban,,,\n",
    );
    let second_line = bad.iter().position(|&b| b == b'\n').unwrap() + 1;
    bad.splice(second_line..second_line, row.iter().copied());
    std::fs::write(&file, bad).unwrap();
    let output = legalmap(&["import", "--dry-run", file.to_str().unwrap()], &app.database_url);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("第 2 行：经度超出范围（longitude 181 is outside -180..180）"), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("346 行有效，1 行有问题"), "{stdout}");
    assert_eq!(app.state.db.all_points().await.unwrap(), before);

    // Without --dry-run the GBK file is imported like the web upload would.
    std::fs::write(&file, gbk_export_renaming_baihua(&app).await).unwrap();
    let output = legalmap(&["import", file.to_str().unwrap()], &app.database_url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let db = Db::connect(&app.database_url).await.unwrap();
    let renamed = db.point(&"331003001001".parse_code()).await.unwrap().unwrap();
    assert_eq!(renamed.record.name, "百花社区");
}

#[tokio::test]
async fn user_unlock_ends_a_lock_from_the_terminal() {
    let app = TestApp::new().await;
    app.create_staff("chen", Role::Editor).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    for _ in 0..5 {
        let attempt = app.state.db.record_login_attempt("chen", "10.0.0.2", now, ACCOUNT_LOCK).await.unwrap();
        app.state.db.lock_after_failure("chen", &attempt, now, ACCOUNT_LOCK).await.unwrap();
    }
    let locked = app.state.db.user_for_login("chen").await.unwrap().unwrap().0;
    assert_eq!(locked.locked_until_unix, Some(now + 15 * 60));

    let output = legalmap(&["user", "unlock", "chen"], &app.database_url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("unlocked \"chen\""));
    let db = Db::connect(&app.database_url).await.unwrap();
    assert_eq!(db.user_for_login("chen").await.unwrap().unwrap().0.locked_until_unix, None);
    let events = db
        .account_events(&AccountEventFilter { username: Some("chen".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!((events[0].action, events[0].actor.as_str()), (AccountAction::Unlock, "command line"));

    let again = legalmap(&["user", "unlock", "chen"], &app.database_url);
    assert!(String::from_utf8_lossy(&again.stdout).contains("is not locked"));
    let missing = legalmap(&["user", "unlock", "nobody"], &app.database_url);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no account named \"nobody\""));
}

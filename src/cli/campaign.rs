//! `legalmap campaign`: the verification campaign's figures per town, as a table or as JSON
//! (the same figures as `/admin/campaign.json`).

use anyhow::bail;

use crate::campaign::{Campaign, bundled_towns, campaign};
use crate::config::CampaignArgs;
use crate::db::Db;

pub async fn run(args: CampaignArgs) -> anyhow::Result<()> {
    // Reading must not create an empty database where a typo named a missing file.
    let db = Db::open_existing(&args.database.database_url).await?;
    let points = db.active_points().await?;
    db.close().await;
    let mut figures = campaign(&bundled_towns(), &points);
    if let Some(code) = &args.town {
        figures.towns.retain(|town| &town.code == code);
        if figures.towns.is_empty() {
            bail!("no town {code}: give a 9-digit town code such as 331003107");
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        print_table(&figures);
    }
    Ok(())
}

fn print_table(figures: &Campaign) {
    println!(
        "{:<10} {:<8} {:>5} {:>11} {:>8} {:>9} {:>11} {:>8} {:>6}",
        "town", "name", "total", "town_centre", "geocoded", "staff_set", "gps_on_site", "verified", "done%"
    );
    let rows = figures.towns.iter().map(|town| (town.code.as_str(), town.name.as_str(), &town.counts));
    for (code, name, c) in rows.chain(std::iter::once(("331003", "全区", &figures.district))) {
        println!(
            "{code:<10} {name:<8} {:>5} {:>11} {:>8} {:>9} {:>11} {:>8} {:>5.1}%",
            c.total,
            c.town_centre,
            c.geocoded,
            c.staff_set,
            c.gps_on_site,
            c.verified,
            c.percent_done()
        );
    }
    for town in &figures.towns {
        println!("\n{} {}: next {} point(s)", town.code, town.name, town.next.len());
        for point in &town.next {
            let flag = if point.nearer_other_town { "  likely wrong: nearer another town" } else { "" };
            println!(
                "  {} {} {:.6},{:.6} {} +{:.0} m{flag}",
                point.code, point.name, point.lat, point.lon, point.location_quality, point.leg_m
            );
        }
    }
}

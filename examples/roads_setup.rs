//! Network files for the road benchmark over HTTP (`bench/roads`), which needs a network under
//! Huangyan's real points: point imports take only places in China, and no extract of Huangyan is
//! available, so a real extract is moved there, or a synthetic grid is laid there.
//!
//! - `shift PBF LAT,LON OUTPUT`: imports the extract and moves every node so that the extract's
//!   centre lands on LAT,LON (lengths and times stay the extract's own).
//! - `grid SIDE SPACING_M LAT,LON OUTPUT`: a SIDE x SIDE grid (`legalmap::roads::synth`).
//! - `origins ROADS INPUT OUTPUT`: keeps the origins (a `lon,lat` CSV with a header) within
//!   300 m of a road of every mode, so every query the benchmark sends is answered by the roads.

use anyhow::{Context, bail};
use legalmap::domain::LonLat;
use legalmap::locator::travel::{Mode, TravelModel};
use legalmap::roads::file;
use legalmap::roads::import::import;
use legalmap::roads::network::RoadNetwork;

fn lat_lon(text: &str) -> anyhow::Result<LonLat> {
    let (lat, lon) = text.split_once(',').context("LAT,LON")?;
    LonLat::parse(lon.trim().parse()?, lat.trim().parse()?).map_err(|error| anyhow::anyhow!("{error:?}"))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["shift", pbf, onto, output] => {
            let onto = lat_lon(onto)?;
            let temporary = format!("{output}.unshifted");
            import(pbf.as_ref(), temporary.as_ref(), &TravelModel::default(), &[], &mut |_| {})?;
            let stored = file::read(temporary.as_ref())?;
            std::fs::remove_file(&temporary)?;
            let moved = stored.centred_on(onto).context("the shifted nodes leave the valid range")?;
            file::write(output.as_ref(), &moved)?;
        }
        ["grid", side, spacing_m, centre, output] => {
            let stored = legalmap::roads::synth::grid(
                side.parse()?,
                spacing_m.parse()?,
                lat_lon(centre)?,
                &TravelModel::default(),
            );
            file::write(output.as_ref(), &stored)?;
        }
        ["origins", roads, input, output] => {
            let network = RoadNetwork::load(roads.as_ref())?;
            let text = std::fs::read_to_string(input)?;
            let mut kept = String::from("lon,lat\n");
            for line in text.lines().skip(1) {
                let (lon, lat) = line.split_once(',').context("lon,lat")?;
                let origin =
                    LonLat::parse(lon.parse()?, lat.parse()?).map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let near = [Mode::Walk, Mode::Bike, Mode::Drive].iter().all(|&mode| {
                    network.snap(mode, origin).is_some_and(|snap| snap.snap_distance_m <= 300.0)
                });
                if near {
                    kept.push_str(line);
                    kept.push('\n');
                }
            }
            std::fs::write(output, kept)?;
        }
        _ => bail!(
            "usage: roads_setup shift PBF LAT,LON OUT | grid SIDE SPACING_M LAT,LON OUT | origins ROADS IN OUT"
        ),
    }
    Ok(())
}

//! The coverage grid as a PNG, one pixel per cell, for the staff map: covered in green, a gap
//! (see `Coverage::is_gap`: by road, beyond 15 minutes; without roads, outside the standard) in
//! red, and both paler and striped-looking (yellow / orange) where the nearest point's location
//! is only an estimate.

use super::Coverage;
use crate::locator::travel::Mode;

/// RGBA colours of the four kinds of cell; outside the district is transparent.
const COVERED: [u8; 4] = [22, 150, 60, 110];
const COVERED_UNCERTAIN: [u8; 4] = [200, 170, 0, 120];
const GAP: [u8; 4] = [200, 30, 30, 150];
const GAP_UNCERTAIN: [u8; 4] = [235, 120, 0, 150];

impl Coverage {
    /// The PNG image of the grid for `mode`, north up.
    pub fn png(&self, mode: Mode) -> Vec<u8> {
        let grid = &self.grid;
        let points = self.index.points();
        let mut pixels = vec![0u8; grid.cols * grid.rows * 4];
        for (row, col) in grid.inside_cells() {
            let Some((slot, _)) = self.nearest(row, col) else { continue };
            let uncertain = points[slot as usize].record.location_quality.is_estimate();
            let colour = match (!self.is_gap(row, col, mode), uncertain) {
                (true, false) => COVERED,
                (true, true) => COVERED_UNCERTAIN,
                (false, false) => GAP,
                (false, true) => GAP_UNCERTAIN,
            };
            let image_row = grid.rows - 1 - row;
            let at = (image_row * grid.cols + col) * 4;
            pixels[at..at + 4].copy_from_slice(&colour);
        }
        let mut bytes = Vec::new();
        let width = u32::try_from(grid.cols).expect("a district-sized grid");
        let height = u32::try_from(grid.rows).expect("a district-sized grid");
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("writing to memory cannot fail");
        writer.write_image_data(&pixels).expect("the buffer matches the header");
        writer.finish().expect("writing to memory cannot fail");
        bytes
    }
}

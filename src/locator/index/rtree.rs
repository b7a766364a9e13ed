//! A packed (static) R-tree of unit vectors, built in one sort and stored in flat arrays.
//!
//! The layout is that of a packed R-tree (as in `flatbush`): every run of [`NODE_SIZE`] entries
//! is a leaf node, every run of [`NODE_SIZE`] nodes a parent, up to one root. Children are
//! found by arithmetic, so a node is only its bounding box: about 38 bytes per point in all,
//! against ~80 for a pointer-based tree such as `rstar`'s (72-byte nodes), and queries walk
//! contiguous memory. The entries are ordered by recursive median splits across the widest
//! axis at block boundaries (a k-d tree's order, as in sort-tile-recursive packing), so every
//! node at every level is compact; a Z-order sort was tried first and was 3x slower to query,
//! its jumps leaving a few huge boxes that every query must open.
//!
//! The tree is immutable once built except for [`PackedRTree::move_entry`], which moves one
//! entry in place and grows the boxes above it: the tree stays exact (every box still holds its
//! entries), only a little looser, and the owner rebuilds it after many moves.

/// Children per node. Measured at 3,000,000 points (k=5 nearest, random origins): 8 beat 4, 16
/// and 32 by 10-25%: a query opens ~3 leaves and one node per level above, and smaller nodes
/// mean fewer boxes to test per level and fewer cache lines per leaf.
const NODE_SIZE: usize = 8;

/// An axis-aligned box in the unit vectors' 3-D space, in `f32` rounded outwards: half the
/// memory of `f64` (a node's 8 boxes fill 3 cache lines, not 6), and never smaller than the
/// exact box, so pruning by it stays exact.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Aabb {
    min: [f32; 3],
    max: [f32; 3],
}

// Three axes of `min`, `max` and the point side by side read clearest indexed by axis.
#[allow(clippy::needless_range_loop)]
impl Aabb {
    const EMPTY: Aabb = Aabb { min: [f32::INFINITY; 3], max: [f32::NEG_INFINITY; 3] };

    fn grow_to(&mut self, p: [f64; 3]) {
        for axis in 0..3 {
            self.min[axis] = self.min[axis].min(round_down(p[axis]));
            self.max[axis] = self.max[axis].max(round_up(p[axis]));
        }
    }

    fn grow_to_box(&mut self, other: &Aabb) {
        for axis in 0..3 {
            self.min[axis] = self.min[axis].min(other.min[axis]);
            self.max[axis] = self.max[axis].max(other.max[axis]);
        }
    }

    /// Squared Euclidean distance from `p` to the nearest point of the box (0 inside).
    #[inline]
    fn distance_2(&self, p: [f64; 3]) -> f64 {
        let mut sum = 0.0;
        for axis in 0..3 {
            let d = (f64::from(self.min[axis]) - p[axis]).max(p[axis] - f64::from(self.max[axis])).max(0.0);
            sum += d * d;
        }
        sum
    }

    #[cfg(test)]
    fn contains(&self, p: [f64; 3]) -> bool {
        (0..3).all(|axis| f64::from(self.min[axis]) <= p[axis] && p[axis] <= f64::from(self.max[axis]))
    }
}

/// The largest `f32` not above `x`.
fn round_down(x: f64) -> f32 {
    let near = x as f32;
    if f64::from(near) > x { near.next_down() } else { near }
}

/// The smallest `f32` not below `x`.
fn round_up(x: f64) -> f32 {
    let near = x as f32;
    if f64::from(near) < x { near.next_up() } else { near }
}

#[inline]
fn distance_2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// One leaf node's entries, aligned to a cache line: 8 positions and their slots fill exactly
/// four lines, read together, where separate arrays would touch a fifth.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Leaf {
    positions: [[f64; 3]; NODE_SIZE],
    slots: [u32; NODE_SIZE],
}

/// The packed tree. Entries carry a `u32` payload (the owner's slot).
#[derive(Debug, Clone)]
pub(crate) struct PackedRTree {
    /// Entries in tree order.
    leaves: Vec<Leaf>,
    /// Entries in all (the last leaf may be part full).
    len: usize,
    /// Every node's box, the leaf level first and the root last.
    boxes: Vec<Aabb>,
    /// Where each level starts in `boxes`, leaves first; one more element marks the end.
    level_starts: Vec<usize>,
}

impl PackedRTree {
    /// Orders the entries so every aligned run of 8, 64, 512... is spatially compact, then
    /// packs them.
    pub fn build(entries: impl IntoIterator<Item = ([f64; 3], u32)>) -> Self {
        let mut entries: Vec<([f64; 3], u32)> = entries.into_iter().collect();
        let mut block = NODE_SIZE;
        while block * NODE_SIZE < entries.len() {
            block *= NODE_SIZE;
        }
        pack_order(&mut entries, block);
        let len = entries.len();
        let mut leaves = Vec::with_capacity(len.div_ceil(NODE_SIZE));
        let mut boxes = Vec::with_capacity(len / (NODE_SIZE - 1) + 2);
        for chunk in entries.chunks(NODE_SIZE) {
            let mut leaf = Leaf { positions: [[0.0; 3]; NODE_SIZE], slots: [0; NODE_SIZE] };
            let mut node = Aabb::EMPTY;
            for (place, &(position, slot)) in chunk.iter().enumerate() {
                (leaf.positions[place], leaf.slots[place]) = (position, slot);
                node.grow_to(position);
            }
            leaves.push(leaf);
            boxes.push(node);
        }
        drop(entries);
        let mut level_starts = vec![0];
        let mut level_len = boxes.len();
        while level_len > 1 {
            let start = *level_starts.last().expect("at least one level");
            level_starts.push(boxes.len());
            for first in (start..start + level_len).step_by(NODE_SIZE) {
                let children = &boxes[first..(first + NODE_SIZE).min(start + level_len)];
                let node = children.iter().fold(Aabb::EMPTY, |mut node, child| {
                    node.grow_to_box(child);
                    node
                });
                boxes.push(node);
            }
            level_len = boxes.len() - level_starts.last().expect("just pushed");
        }
        level_starts.push(boxes.len());
        Self { leaves, len, boxes, level_starts }
    }

    /// Bytes of heap this tree holds (its arrays' capacity).
    pub fn heap_bytes(&self) -> usize {
        self.leaves.capacity() * size_of::<Leaf>()
            + self.boxes.capacity() * size_of::<Aabb>()
            + self.level_starts.capacity() * size_of::<usize>()
    }

    fn levels(&self) -> usize {
        self.level_starts.len() - 1
    }

    /// The children of node `node` on `level`: entry indices on level 0, else node indices on
    /// the level below.
    fn children(&self, level: usize, node: usize) -> std::ops::Range<usize> {
        let below = if level == 0 { self.len } else { self.level_len(level - 1) };
        node * NODE_SIZE..((node + 1) * NODE_SIZE).min(below)
    }

    fn level_len(&self, level: usize) -> usize {
        self.level_starts[level + 1] - self.level_starts[level]
    }

    fn node_box(&self, level: usize, node: usize) -> &Aabb {
        &self.boxes[self.level_starts[level] + node]
    }

    /// Offers every entry to `best` that could be among its nearest, nearest nodes first so the
    /// bound tightens fast.
    pub fn nearest(&self, query: [f64; 3], best: &mut NearestK) {
        if self.len == 0 || best.k == 0 {
            return;
        }
        self.nearest_in(self.levels() - 1, 0, query, best);
    }

    fn nearest_in(&self, level: usize, node: usize, query: [f64; 3], best: &mut NearestK) {
        let children = self.children(level, node);
        if level == 0 {
            for entry in children {
                let leaf = &self.leaves[node];
                let place = entry % NODE_SIZE;
                best.offer(distance_2(leaf.positions[place], query), leaf.slots[place]);
            }
            return;
        }
        // Nearest child first, then any other that can still hold a nearer entry, again nearest
        // first. After the first descent the bound is usually tight, so most nodes open one
        // child: a few selections of the minimum beat sorting all of them.
        let first = children.start;
        let mut bounds = [f64::INFINITY; NODE_SIZE];
        for (bound, child) in bounds.iter_mut().zip(children) {
            *bound = self.node_box(level - 1, child).distance_2(query);
        }
        loop {
            let (mut nearest, mut nearest_bound) = (0, f64::INFINITY);
            for (place, &bound) in bounds.iter().enumerate() {
                if bound < nearest_bound {
                    (nearest, nearest_bound) = (place, bound);
                }
            }
            // `>`, not `>=`: a node at exactly the k-th distance may hold a tie with a lower slot.
            if nearest_bound == f64::INFINITY || best.bound().is_some_and(|worst| nearest_bound > worst) {
                return;
            }
            bounds[nearest] = f64::INFINITY;
            self.nearest_in(level - 1, first + nearest, query, best);
        }
    }

    /// Calls `found(chord², slot)` for every entry within `chord_2` (squared chord) of `query`.
    pub fn within(&self, query: [f64; 3], chord_2: f64, found: &mut impl FnMut(f64, u32)) {
        if self.len != 0 {
            self.within_in(self.levels() - 1, 0, query, chord_2, found);
        }
    }

    fn within_in(
        &self,
        level: usize,
        node: usize,
        query: [f64; 3],
        chord_2: f64,
        found: &mut impl FnMut(f64, u32),
    ) {
        for child in self.children(level, node) {
            if level == 0 {
                let (leaf, place) = (&self.leaves[node], child % NODE_SIZE);
                let d2 = distance_2(leaf.positions[place], query);
                if d2 <= chord_2 {
                    found(d2, leaf.slots[place]);
                }
            } else if self.node_box(level - 1, child).distance_2(query) <= chord_2 {
                self.within_in(level - 1, child, query, chord_2, found);
            }
        }
    }

    /// Moves the entry carrying `slot` to `position`, growing the boxes above it so they still
    /// hold it. Returns false if no entry carries `slot`.
    pub fn move_entry(&mut self, slot: u32, position: [f64; 3]) -> bool {
        let Some(entry) =
            (0..self.len).find(|&entry| self.leaves[entry / NODE_SIZE].slots[entry % NODE_SIZE] == slot)
        else {
            return false;
        };
        self.leaves[entry / NODE_SIZE].positions[entry % NODE_SIZE] = position;
        let mut node = entry / NODE_SIZE;
        for level in 0..self.levels() {
            self.boxes[self.level_starts[level] + node].grow_to(position);
            node /= NODE_SIZE;
        }
        true
    }
}

/// The `k` smallest (chord², slot) pairs offered, kept sorted; ties on distance go to the lower
/// slot, which is code order, so answers are stable.
#[derive(Debug)]
pub(crate) struct NearestK {
    k: usize,
    found: Vec<(f64, u32)>,
}

impl NearestK {
    pub fn new(k: usize) -> Self {
        Self { k, found: Vec::with_capacity(k.min(1024) + 1) }
    }

    /// The k-th smallest distance once k have been found: nothing farther can enter.
    #[inline]
    fn bound(&self) -> Option<f64> {
        (self.found.len() == self.k).then(|| self.found[self.k - 1].0)
    }

    #[inline]
    fn offer(&mut self, d2: f64, slot: u32) {
        if self.found.len() == self.k {
            let (worst_d2, worst_slot) = self.found[self.k - 1];
            if d2 > worst_d2 || (d2 == worst_d2 && slot > worst_slot) {
                return;
            }
            self.found.pop();
        }
        let at = self.found.partition_point(|&(d, s)| d < d2 || (d == d2 && s < slot));
        self.found.insert(at, (d2, slot));
    }

    /// The pairs found, nearest first.
    pub fn into_sorted(self) -> Vec<(f64, u32)> {
        self.found
    }
}

/// Entries at or above this many split on two threads: the top of the recursion is most of
/// the work at national scale, and the halves are independent.
const PARALLEL_SPLIT: usize = 200_000;

/// Orders `entries` (whose length is a multiple of `block`, or the tail of the whole set) so
/// that each aligned run of `block` entries, and recursively of `block / 8` down to 8, is
/// compact: halve at a block boundary, across the widest axis, by selection (no full sort).
fn pack_order(entries: &mut [([f64; 3], u32)], block: usize) {
    if entries.len() <= NODE_SIZE {
        return;
    }
    if entries.len() <= block {
        return pack_order(entries, block / NODE_SIZE);
    }
    let (mut min, mut max) = ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]);
    for &(p, _) in entries.iter() {
        for axis in 0..3 {
            min[axis] = min[axis].min(p[axis]);
            max[axis] = max[axis].max(p[axis]);
        }
    }
    let axis = (0..3).max_by(|&a, &b| (max[a] - min[a]).total_cmp(&(max[b] - min[b]))).expect("three axes");
    let mid = entries.len().div_ceil(block) / 2 * block;
    entries.select_nth_unstable_by(mid, |a, b| a.0[axis].total_cmp(&b.0[axis]));
    let (left, right) = entries.split_at_mut(mid);
    if left.len() >= PARALLEL_SPLIT {
        std::thread::scope(|scope| {
            scope.spawn(|| pack_order(left, block));
            pack_order(right, block);
        });
    } else {
        pack_order(left, block);
        pack_order(right, block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_is_packed_and_boxes_hold_their_entries() {
        for count in [1usize, 15, 16, 17, 256, 257, 5000] {
            let entries = (0..count).map(|i| {
                let angle = i as f64 * 0.001;
                ([angle.cos(), angle.sin(), 0.0], i as u32)
            });
            let tree = PackedRTree::build(entries);
            assert_eq!(tree.level_len(tree.levels() - 1), 1, "one root for {count}");
            for entry in 0..tree.len {
                let p = tree.leaves[entry / NODE_SIZE].positions[entry % NODE_SIZE];
                let mut node = entry / NODE_SIZE;
                for level in 0..tree.levels() {
                    assert!(tree.node_box(level, node).contains(p), "{count} points, level {level}");
                    node /= NODE_SIZE;
                }
            }
        }
    }
}

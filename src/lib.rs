//! patchcycle: the monthly patch cycle of a server fleet in one binary.

pub mod version;

//! The patch cycle's calendar: when each group may be patched.

pub mod window;

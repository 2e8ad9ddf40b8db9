//! Command executors: how a command job runs (locally; over SSH later).

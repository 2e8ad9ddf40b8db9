//! Code generation: checked syntax tree to a bytecode module.

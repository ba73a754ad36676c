#![allow(dead_code)]
mod cli;
mod config;
mod render;
fn main() {}

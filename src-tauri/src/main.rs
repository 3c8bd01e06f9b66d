//! Kindly's desktop window: a thin shell. It opens the case store (loading the demo inbox on a first
//! launch with no mailbox), and forwards the window's single `api` command to kindly-core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod ipc;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use kindly_core::{Store, demo};
use tauri::Manager;

/// `KINDLY_DB` wins (tests and power users); otherwise the platform's app-data folder.
fn db_path(app: &tauri::App) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(path) = std::env::var_os("KINDLY_DB") {
        return Ok(PathBuf::from(path));
    }
    let dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join("kindly.db"))
}

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            let mut store = Store::open(db_path(app)?)?;
            if demo::should_load_on_first_launch(&store)? {
                demo::load(&mut store, &mut |_| {})?;
            }
            app.manage(ipc::AppState(Arc::new(Mutex::new(store))));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![ipc::api])
        .run(tauri::generate_context!())
        .expect("Kindly could not start its window");
}

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

/// Mail, replies and case state sync on their own thread with their own connection to the store
/// (SQLite WAL lets the window read meanwhile). The window shows how it goes through
/// `sync_status`; with no mailbox connected the thread only checks now and then for one.
fn start_background_sync(path: PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let mut store = Store::open(&path)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::Builder::new()
        .name("kindly-sync".into())
        .spawn(move || kindly_core::sync::background::run(&mut store, &runtime, &mut |_, _, _| {}, &mut |_, _| {}))?;
    Ok(())
}

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            kindly_core::triage::check_models()?;
            let path = db_path(app)?;
            let mut store = Store::open(&path)?;
            if demo::should_load_on_first_launch(&store)? {
                demo::load(&mut store, &mut |_| {})?;
            }
            app.manage(ipc::AppState(Arc::new(Mutex::new(store))));
            start_background_sync(path)?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![ipc::api])
        .run(tauri::generate_context!())
        .expect("Kindly could not start its window");
}

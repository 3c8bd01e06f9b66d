//! The one IPC command. Commands stay in this module: `#[tauri::command]` items at the crate root
//! clash with the macros' generated names.

use std::sync::{Arc, Mutex};

use kindly_core::Store;
use kindly_core::api::{self, ApiError};
use serde_json::Value;

pub struct AppState(pub Arc<Mutex<Store>>);

/// Runs `name` with `args` through kindly-core's dispatcher, off the UI thread.
#[tauri::command]
pub async fn api(state: tauri::State<'_, AppState>, name: String, args: Value) -> Result<Value, ApiError> {
    let store = Arc::clone(&state.0);
    tauri::async_runtime::spawn_blocking(move || api::dispatch_shared(&store, &name, args))
        .await
        .map_err(|e| ApiError { code: "internal".into(), message: format!("the command stopped unexpectedly: {e}") })?
}

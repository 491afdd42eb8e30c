//! The MCP protocol side: lists the tools, and runs each call on a blocking thread while its
//! progress lines become progress notifications and the client's cancellation sets the call's flag.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler};

use super::Cx;
use super::tools::{self, DynMcpTool};

/// The server: the tools, and where runs go.
pub struct Server {
    out: PathBuf,
    tools: Arc<Vec<Box<dyn DynMcpTool>>>,
}

impl Server {
    pub fn new(out: &Path) -> Self {
        Self {
            out: out.to_path_buf(),
            tools: Arc::new(tools::all()),
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("autokaggle", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "AutoKaggle-rs: `inspect` a competition folder, `run` it (progress is notified; \
                 cancel to stop), read `status` and `report`, `predict` new rows with the saved \
                 model. The toolkit's tools apply one step each to a competition; `apply` runs a \
                 program of them.",
            )
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = self
            .tools
            .iter()
            .map(|t| {
                let schema: JsonObject = match t.schema() {
                    serde_json::Value::Object(o) => o,
                    _ => JsonObject::default(),
                };
                Tool::new(t.name(), t.doc(), schema)
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let Some(index) = self.tools.iter().position(|t| t.name() == name) else {
            return Err(ErrorData::invalid_params(
                format!("no tool `{name}`; tools/list names them"),
                None,
            ));
        };
        // Progress lines go through a channel to a task that sends them, in order.
        let token = context.meta.get_progress_token();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let peer = context.peer.clone();
        let forward = tokio::spawn(async move {
            let mut n = 0.0;
            while let Some(line) = rx.recv().await {
                if let Some(t) = &token {
                    n += 1.0;
                    let p = ProgressNotificationParam::new(t.clone(), n).with_message(line);
                    // A client that went away is not this call's failure.
                    let _ = peer.notify_progress(p).await;
                }
            }
        });
        let cancelled = Arc::new(AtomicBool::new(false));
        let cx = Cx::new(
            &self.out,
            Arc::new(move |line: &str| {
                let _ = tx.send(line.to_string());
            }),
            cancelled.clone(),
        );
        let args = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let tools = self.tools.clone();
        let mut work = tokio::task::spawn_blocking(move || tools[index].call_json(args, &cx));
        let result = tokio::select! {
            r = &mut work => r,
            () = context.ct.cancelled() => {
                cancelled.store(true, Ordering::Relaxed);
                work.await
            }
        };
        let _ = forward.await;
        let result = match result {
            Ok(Ok(text)) => CallToolResult::success(vec![ContentBlock::text(text)]),
            Ok(Err(e)) => CallToolResult::error(vec![ContentBlock::text(format!("{e:#}"))]),
            Err(e) => CallToolResult::error(vec![ContentBlock::text(format!(
                "the tool `{name}` failed: {e}"
            ))]),
        };
        Ok(result.into())
    }
}

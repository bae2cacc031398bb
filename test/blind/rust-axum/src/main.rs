//! shop-axum: the blind check's Rust stack. axum 0.8 with axum-tracing-opentelemetry's server spans, sqlx
//! (PostgreSQL, its pool), reqwest, tracing-opentelemetry to the OTLP/HTTP exporter. Each route of
//! test/blind/README.md induces its fault for real. As a Rust service usually does, the handler's error is
//! logged where it becomes a 500 (`AppError::into_response`, a tracing event with the error as `error`, which
//! tracing-opentelemetry turns into an exception); a panic is caught by tower-http's CatchPanicLayer and
//! leaves only the 500. reqwest has no instrumentation for this OpenTelemetry release, so the outgoing call
//! opens a client span and injects the trace context itself.
use std::{collections::HashMap, env, time::Duration};

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use axum_tracing_opentelemetry::middleware::{OtelAxumLayer, OtelInResponseLayer};
use opentelemetry::{global, trace::TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::{propagation::TraceContextPropagator, trace::SdkTracerProvider, Resource};
use sqlx::{postgres::PgPoolOptions, PgPool, Row};
use tower_http::catch_panic::CatchPanicLayer;
use tracing::{Instrument, Level};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};

#[derive(Clone)]
struct Shop {
    db: PgPool,
    refused: PgPool,
    bad_auth: PgPool,
    single: PgPool,
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
enum AppError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error("setting {name}: {source}")]
    Setting { name: &'static str, source: Box<dyn std::error::Error + Send + Sync> },
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        tracing::error!(error = &self as &dyn std::error::Error, "request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

type Result<T> = std::result::Result<T, AppError>;

fn pool(url_var: &str, max: u32, acquire: Duration) -> PgPool {
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(acquire)
        .connect_lazy(&env::var(url_var).expect(url_var))
        .expect("database URL")
}

async fn items(State(s): State<Shop>) -> Result<Json<Vec<HashMap<String, String>>>> {
    let rows = sqlx::query("SELECT id, name, qty FROM items ORDER BY id").fetch_all(&s.db).await?;
    Ok(Json(
        rows.iter()
            .map(|r| HashMap::from([("id".into(), r.get::<i32, _>("id").to_string()), ("name".into(), r.get("name"))]))
            .collect(),
    ))
}

async fn item(State(s): State<Shop>, Path(id): Path<i32>) -> Result<Response> {
    let row = sqlx::query("SELECT name FROM items WHERE id = $1").bind(id).fetch_optional(&s.db).await?;
    Ok(match row {
        Some(r) => r.get::<String, _>("name").into_response(),
        None => (StatusCode::NOT_FOUND, "no such item").into_response(),
    })
}

async fn count(p: &PgPool) -> Result<String> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM items").fetch_one(p).await?;
    Ok(n.to_string())
}

async fn db_refused(State(s): State<Shop>) -> Result<String> {
    count(&s.refused).await
}

async fn db_auth(State(s): State<Shop>) -> Result<String> {
    count(&s.bad_auth).await
}

/// The pool's one connection is held while a second is borrowed.
async fn db_pool(State(s): State<Shop>) -> Result<StatusCode> {
    let _held = s.single.acquire().await?;
    let _second = s.single.acquire().await?;
    Ok(StatusCode::OK)
}

async fn in_tx(s: &Shop, statements: &[&str]) -> Result<StatusCode> {
    let mut tx = s.db.begin().await?;
    for q in statements {
        sqlx::query(q).execute(&mut *tx).await?;
    }
    tx.rollback().await?;
    Ok(StatusCode::OK)
}

async fn statement_timeout(State(s): State<Shop>) -> Result<StatusCode> {
    in_tx(&s, &["SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)"]).await
}

async fn lock_timeout(State(s): State<Shop>) -> Result<StatusCode> {
    in_tx(&s, &["SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1"]).await
}

async fn undefined_table(State(s): State<Shop>) -> Result<StatusCode> {
    in_tx(&s, &["SELECT id FROM orders_archive WHERE id = 1"]).await
}

async fn undefined_column(State(s): State<Shop>) -> Result<StatusCode> {
    in_tx(&s, &["SELECT id, discount FROM items WHERE id = 1"]).await
}

async fn unique(State(s): State<Shop>) -> Result<StatusCode> {
    in_tx(&s, &["INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)"]).await
}

// Settings read per request, as a handler that honours a changed environment does.
async fn page_size() -> Result<String> {
    let v = env::var("PAGE_SIZE").unwrap_or_else(|_| "20".into());
    let n: u32 = v.parse().map_err(|e| AppError::Setting { name: "PAGE_SIZE", source: Box::new(e) })?;
    Ok(n.to_string())
}

async fn payments_url() -> Result<String> {
    env::var("PAYMENTS_URL").map_err(|e| AppError::Setting { name: "PAYMENTS_URL", source: Box::new(e) })
}

struct Customer {
    name: String,
}

struct Cart {
    owner: Option<Customer>,
}

fn find_cart(_id: &str) -> Option<Cart> {
    None
}

async fn null_dereference() -> String {
    let cart = find_cart("c-1").unwrap();
    cart.owner.unwrap().name
}

async fn call(s: &Shop, url: String) -> Result<String> {
    let span = tracing::info_span!("GET", otel.kind = "client", http.request.method = "GET", url.full = %url,
        http.response.status_code = tracing::field::Empty);
    async {
        let mut headers = HashMap::new();
        global::get_text_map_propagator(|p| p.inject_context(&tracing::Span::current().context(), &mut headers));
        let mut req = s.http.get(&url);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let resp = req.send().await?;
        tracing::Span::current().record("http.response.status_code", resp.status().as_u16());
        Ok(resp.error_for_status()?.text().await?)
    }
    .instrument(span)
    .await
}

async fn downstream_500(State(s): State<Shop>) -> Result<String> {
    let url = format!("{}/null", env::var("DOWNSTREAM_URL").unwrap_or_default());
    call(&s, url).await
}

async fn downstream_refused(State(s): State<Shop>) -> Result<String> {
    let url = format!("{}/payments", env::var("CLOSED_URL").unwrap_or_default());
    call(&s, url).await
}

async fn bare_500() -> StatusCode {
    StatusCode::INTERNAL_SERVER_ERROR
}

// The OTLP exporter's blocking HTTP client is built outside the async runtime (reqwest's blocking client
// may not be created or dropped inside one); the batch processor exports from its own thread.
fn main() {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .build()
        .expect("OTLP exporter");
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().build())
        .build();
    global::set_text_map_propagator(TraceContextPropagator::new());
    global::set_tracer_provider(provider.clone());
    tracing_subscriber::registry()
        // axum-tracing-opentelemetry opens its server spans at TRACE under the target otel::tracing.
        .with(Targets::new().with_default(Level::INFO).with_target("otel::tracing", Level::TRACE))
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("shop-axum")))
        .init();
    tokio::runtime::Runtime::new().expect("runtime").block_on(serve());
    let _ = provider.shutdown();
}

async fn serve() {
    let shop = Shop {
        db: pool("DATABASE_URL", 4, Duration::from_secs(5)),
        refused: pool("DATABASE_URL_REFUSED", 4, Duration::from_secs(2)),
        bad_auth: pool("DATABASE_URL_BAD_PASSWORD", 4, Duration::from_secs(2)),
        single: pool("DATABASE_URL", 1, Duration::from_millis(500)),
        http: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("HTTP client"),
    };
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/items", get(items))
        .route("/items/{id}", get(item))
        .route("/db/refused", get(db_refused))
        .route("/db/auth", get(db_auth))
        .route("/db/pool", get(db_pool))
        .route("/db/statement-timeout", get(statement_timeout))
        .route("/db/lock-timeout", get(lock_timeout))
        .route("/db/undefined-table", get(undefined_table))
        .route("/db/undefined-column", get(undefined_column))
        .route("/db/unique", post(unique))
        .route("/config/int", get(page_size))
        .route("/config/missing", get(payments_url))
        .route("/null", get(null_dereference))
        .route("/downstream/500", get(downstream_500))
        .route("/downstream/refused", get(downstream_refused))
        .route("/bare500", get(bare_500))
        .layer(CatchPanicLayer::new())
        .layer(OtelInResponseLayer)
        .layer(OtelAxumLayer::default())
        .with_state(shop);

    let addr = format!("127.0.0.1:{}", env::var("PORT").expect("PORT"));
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("listen");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM");
            term.recv().await;
        })
        .await
        .expect("serve");
}

//! shop-actix: the blind check's actix-web stack. actix-web 4 with the OpenTelemetry contrib's
//! opentelemetry-instrumentation-actix-web (server spans, and client spans of awc calls), deadpool-postgres
//! pools over tokio-postgres (which has no instrumentation: a query leaves no span), settings read with the
//! `config` crate from the environment, and the handler's error logged with `tracing` where it becomes a 500
//! (`ResponseError::error_response`), exported as an OTLP log record by opentelemetry-appender-tracing. A panic
//! is caught by actix-web-lab's CatchPanic (actix-web itself would drop the connection). Each route of
//! test/blind/README.md induces its fault for real.
use std::{env, time::Duration};

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::StatusCode,
    dev::HttpServiceFactory,
    middleware::{from_fn, Next},
    web::{self, Data},
    App, HttpResponse, HttpServer, ResponseError, Route,
};
use actix_web_lab::middleware::CatchPanic;
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime, Timeouts};
use opentelemetry::global;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_instrumentation_actix_web::{ClientExt, RequestTracing};
use opentelemetry_sdk::{logs::SdkLoggerProvider, propagation::TraceContextPropagator, trace::SdkTracerProvider, Resource};
use serde::Deserialize;
use tokio_postgres::NoTls;
use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt};

struct Shop {
    db: Pool,
    refused: Pool,
    bad_auth: Pool,
    single: Pool,
    http: awc::Client,
    impatient: awc::Client,
}

#[derive(Debug, thiserror::Error)]
enum AppError {
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error(transparent)]
    Db(#[from] tokio_postgres::Error),
    #[error("settings: {0}")]
    Settings(#[from] config::ConfigError),
    #[error("read template {path}: {source}")]
    Template { path: &'static str, source: std::io::Error },
    #[error("GET {url}: {source}")]
    Call { url: String, source: awc::error::SendRequestError },
    #[error("GET {url}: {status}")]
    Upstream { url: String, status: StatusCode },
}

impl ResponseError for AppError {
    fn error_response(&self) -> HttpResponse {
        tracing::error!(error = self as &dyn std::error::Error, "request failed");
        HttpResponse::InternalServerError().body(self.to_string())
    }
}

type Result<T> = std::result::Result<T, AppError>;

/// A deadpool pool of tokio-postgres connections to the database in parts; nothing connects until the
/// first borrow, as a service that starts before its database does.
fn pool(port_var: &str, password: Option<&str>, max: usize, wait: Duration) -> Pool {
    let mut pg = tokio_postgres::Config::new();
    pg.host(&env::var("DB_HOST").expect("DB_HOST"))
        .port(env::var(port_var).expect(port_var).parse().expect("port"))
        .user(&env::var("DB_USER").expect("DB_USER"))
        .password(password.map(String::from).unwrap_or_else(|| env::var("DB_PASSWORD").expect("DB_PASSWORD")))
        .dbname(&env::var("DB_NAME").expect("DB_NAME"))
        .connect_timeout(Duration::from_secs(5));
    let mgr = Manager::from_config(pg, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(mgr)
        .max_size(max)
        .timeouts(Timeouts { wait: Some(wait), create: Some(Duration::from_secs(5)), recycle: None })
        .runtime(Runtime::Tokio1)
        .build()
        .expect("pool")
}

#[derive(Deserialize)]
struct PageSettings {
    page_size: u32,
}

#[derive(Deserialize)]
struct PaymentSettings {
    payments_url: String,
}

/// The environment read through the config crate, per request, as a handler that honours a changed
/// environment does.
fn settings<T: for<'de> Deserialize<'de>>() -> Result<T> {
    Ok(config::Config::builder().add_source(config::Environment::default().try_parsing(true)).build()?.try_deserialize()?)
}

async fn items(s: Data<Shop>) -> Result<HttpResponse> {
    let client = s.db.get().await?;
    let rows = client.query("SELECT id, name FROM items ORDER BY id", &[]).await?;
    let names: Vec<String> = rows.iter().map(|r| r.get::<_, String>("name")).collect();
    Ok(HttpResponse::Ok().body(names.join(",")))
}

async fn item(s: Data<Shop>, id: web::Path<i32>) -> Result<HttpResponse> {
    let client = s.db.get().await?;
    Ok(match client.query_opt("SELECT name FROM items WHERE id = $1", &[&id.into_inner()]).await? {
        Some(r) => HttpResponse::Ok().body(r.get::<_, String>("name")),
        None => HttpResponse::NotFound().body("no such item"),
    })
}

async fn count(p: &Pool) -> Result<HttpResponse> {
    let n: i64 = p.get().await?.query_one("SELECT count(*) FROM items", &[]).await?.get(0);
    Ok(HttpResponse::Ok().body(n.to_string()))
}

async fn db_refused(s: Data<Shop>) -> Result<HttpResponse> {
    count(&s.refused).await
}

async fn db_auth(s: Data<Shop>) -> Result<HttpResponse> {
    count(&s.bad_auth).await
}

/// The pool's one connection is held while a second is borrowed (500 ms wait).
async fn db_pool(s: Data<Shop>) -> Result<HttpResponse> {
    let held = s.single.get().await?;
    held.execute("SELECT 1", &[]).await?;
    let second = s.single.get().await?;
    second.execute("SELECT 1", &[]).await?;
    Ok(HttpResponse::Ok().finish())
}

async fn in_tx(s: &Shop, statements: &[&str]) -> Result<HttpResponse> {
    let mut client = s.db.get().await?;
    let tx = client.transaction().await?;
    for q in statements {
        tx.execute(*q, &[]).await?;
    }
    tx.rollback().await?;
    Ok(HttpResponse::Ok().finish())
}

async fn statement_timeout(s: Data<Shop>) -> Result<HttpResponse> {
    in_tx(&s, &["SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)"]).await
}

async fn lock_timeout(s: Data<Shop>) -> Result<HttpResponse> {
    in_tx(&s, &["SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1"]).await
}

async fn undefined_table(s: Data<Shop>) -> Result<HttpResponse> {
    in_tx(&s, &["SELECT id FROM orders_archive WHERE id = 1"]).await
}

async fn undefined_column(s: Data<Shop>) -> Result<HttpResponse> {
    in_tx(&s, &["SELECT id, discount FROM items WHERE id = 1"]).await
}

async fn unique(s: Data<Shop>) -> Result<HttpResponse> {
    in_tx(&s, &["INSERT INTO items (id, name, qty) VALUES (1, 'duplicate', 1)"]).await
}

async fn page_size() -> Result<HttpResponse> {
    let page: PageSettings = settings()?;
    Ok(HttpResponse::Ok().body(page.page_size.to_string()))
}

async fn payments_url() -> Result<HttpResponse> {
    let pay: PaymentSettings = settings()?;
    Ok(HttpResponse::Ok().body(pay.payments_url))
}

async fn template_missing() -> Result<HttpResponse> {
    // templates/receipt.html is not deployed with the service.
    let path = "templates/receipt.html";
    let body = std::fs::read_to_string(path).map_err(|source| AppError::Template { path, source })?;
    Ok(HttpResponse::Ok().body(body.replace("{{total}}", "42")))
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

async fn slow() -> HttpResponse {
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    HttpResponse::Ok().finish()
}

async fn call(client: &awc::Client, url: String) -> Result<HttpResponse> {
    let resp = client.get(&url).trace_request().send().await.map_err(|source| AppError::Call { url: url.clone(), source })?;
    if resp.status().is_server_error() {
        return Err(AppError::Upstream { url, status: resp.status() });
    }
    Ok(HttpResponse::Ok().finish())
}

async fn downstream_500(s: Data<Shop>) -> Result<HttpResponse> {
    call(&s.http, format!("{}/null", env::var("DOWNSTREAM_URL").unwrap_or_default())).await
}

async fn downstream_refused(s: Data<Shop>) -> Result<HttpResponse> {
    call(&s.http, format!("{}/payments", env::var("CLOSED_URL").unwrap_or_default())).await
}

async fn downstream_timeout(s: Data<Shop>) -> Result<HttpResponse> {
    call(&s.impatient, format!("{}/slow", env::var("DOWNSTREAM_URL").unwrap_or_default())).await
}

/// Answers an inner middleware's error (CatchPanic's) with its response here, as actix's dispatcher would
/// further out: the server span then has the 500 it sends (RequestTracing records an error it is handed as an
/// error with no status code). It keeps a clone of the request, so it wraps each resource, where the path is
/// already routed (an app-wide middleware holding a clone makes actix's router panic).
async fn error_to_response(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> std::result::Result<ServiceResponse, actix_web::Error> {
    let http_req = req.request().clone();
    Ok(match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => ServiceResponse::new(http_req, err.error_response()),
    })
}

async fn bare_500() -> HttpResponse {
    HttpResponse::InternalServerError().finish()
}

// The OTLP exporters' blocking HTTP clients are built outside the async runtime (reqwest's blocking client
// may not be created or dropped inside one); the batch processors export from their own threads.
fn main() -> std::io::Result<()> {
    let spans = opentelemetry_otlp::SpanExporter::builder().with_http().build().expect("OTLP span exporter");
    let traces = SdkTracerProvider::builder().with_batch_exporter(spans).with_resource(Resource::builder().build()).build();
    global::set_text_map_propagator(TraceContextPropagator::new());
    global::set_tracer_provider(traces.clone());
    let mut logs = SdkLoggerProvider::builder().with_resource(Resource::builder().build());
    // The Rust SDK reads no OTEL_LOGS_EXPORTER: honour "none" as the other SDKs do.
    if env::var("OTEL_LOGS_EXPORTER").as_deref() != Ok("none") {
        logs = logs.with_batch_exporter(opentelemetry_otlp::LogExporter::builder().with_http().build().expect("OTLP log exporter"));
    }
    let logs = logs.build();
    tracing_subscriber::registry()
        .with(tracing_subscriber::filter::LevelFilter::INFO)
        .with(OpenTelemetryTracingBridge::new(&logs))
        .with(tracing_subscriber::fmt::layer())
        .init();
    let served = actix_web::rt::System::new().block_on(serve());
    let _ = traces.shutdown();
    let _ = logs.shutdown();
    served
}

/// One route, its panics answered with a 500 (actix-web-lab's CatchPanic) that the server span records.
fn resource(path: &str, route: Route) -> impl HttpServiceFactory {
    web::resource(path).route(route).wrap(CatchPanic::default()).wrap(from_fn(error_to_response))
}

async fn serve() -> std::io::Result<()> {
    let port: u16 = env::var("PORT").expect("PORT").parse().expect("PORT");
    HttpServer::new(|| {
        let shop = Shop {
            db: pool("DB_PORT", None, 4, Duration::from_secs(5)),
            refused: pool("DB_PORT_REFUSED", None, 4, Duration::from_secs(2)),
            bad_auth: pool("DB_PORT", Some("not-the-password"), 4, Duration::from_secs(2)),
            single: pool("DB_PORT", None, 1, Duration::from_millis(500)),
            http: awc::Client::builder().timeout(Duration::from_secs(5)).finish(),
            impatient: awc::Client::builder().timeout(Duration::from_millis(500)).finish(),
        };
        App::new()
            .app_data(Data::new(shop))
            .wrap(RequestTracing::new())
            .service(resource("/health", web::get().to(|| async { "ok" })))
            .service(resource("/items", web::get().to(items)))
            .service(resource("/items/{id}", web::get().to(item)))
            .service(resource("/db/refused", web::get().to(db_refused)))
            .service(resource("/db/auth", web::get().to(db_auth)))
            .service(resource("/db/pool", web::get().to(db_pool)))
            .service(resource("/db/statement-timeout", web::get().to(statement_timeout)))
            .service(resource("/db/lock-timeout", web::get().to(lock_timeout)))
            .service(resource("/db/undefined-table", web::get().to(undefined_table)))
            .service(resource("/db/undefined-column", web::get().to(undefined_column)))
            .service(resource("/db/unique", web::post().to(unique)))
            .service(resource("/config/int", web::get().to(page_size)))
            .service(resource("/config/missing", web::get().to(payments_url)))
            .service(resource("/template/missing", web::get().to(template_missing)))
            .service(resource("/null", web::get().to(null_dereference)))
            .service(resource("/slow", web::get().to(slow)))
            .service(resource("/downstream/500", web::get().to(downstream_500)))
            .service(resource("/downstream/refused", web::get().to(downstream_refused)))
            .service(resource("/downstream/timeout", web::get().to(downstream_timeout)))
            .service(resource("/bare500", web::get().to(bare_500)))
    })
    .workers(2)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}

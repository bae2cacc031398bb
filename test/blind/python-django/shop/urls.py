from django.urls import path

from shop import views

urlpatterns = [
    path("health", views.health),
    path("items", views.items),
    path("items/<int:item_id>", views.item),
    path("db/refused", views.db_refused),
    path("db/auth", views.db_auth),
    path("db/pool", views.db_pool),
    path("db/statement-timeout", views.statement_timeout),
    path("db/lock-timeout", views.lock_timeout),
    path("db/undefined-table", views.undefined_table),
    path("db/undefined-column", views.undefined_column),
    path("db/unique", views.unique),
    path("config/int", views.page_size),
    path("config/missing", views.payments_url),
    path("null", views.null_dereference),
    path("slow", views.slow),
    path("downstream/500", views.downstream_500),
    path("downstream/timeout", views.downstream_timeout),
    path("downstream/refused", views.downstream_refused),
    path("bare500", views.bare_500),
    path("cache/refused", views.cache_refused),
    path("cache/ping", views.cache_ping),
]

"""shop-django: the blind check's Django stack. Django 5.2 views (runserver, threaded), the ORM and raw
cursors on psycopg 3 (Django's own pool for the pool of one), requests, redis-py, settings read with
django-environ; run under opentelemetry-instrument. Each route of test/blind/README.md induces its fault for
real; nothing is recorded by hand. An exception out of a view is left to Django: a 500 page, logged to
django.request."""
import time
from concurrent.futures import ThreadPoolExecutor

import environ
import redis
import requests
from django.db import connections, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.models import Item

env = environ.Env()


def health(request):
    return HttpResponse("ok")


def items(request):
    return JsonResponse([{"id": i.id, "name": i.name, "qty": i.qty} for i in Item.objects.order_by("id")], safe=False)


def item(request, item_id):
    found = Item.objects.filter(id=item_id).first()
    if found is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse({"id": found.id, "name": found.name})


def db_refused(request):
    return JsonResponse({"n": Item.objects.using("refused").count()})


def db_auth(request):
    return JsonResponse({"n": Item.objects.using("badauth").count()})


def _count_single():
    try:
        return Item.objects.using("single").count()
    finally:
        connections["single"].close()


def db_pool(request):
    # The pool's one connection is held by this request while a worker thread borrows a second.
    with connections["single"].cursor() as held:
        held.execute("SELECT 1")
        with ThreadPoolExecutor(max_workers=1) as pool:
            n = pool.submit(_count_single).result()
    return JsonResponse({"n": n})


def _in_transaction(*statements):
    with transaction.atomic(), connections["default"].cursor() as cur:
        for sql in statements:
            cur.execute(sql)
        transaction.set_rollback(True)
    return HttpResponse("ok")


def statement_timeout(request):
    return _in_transaction("SET LOCAL statement_timeout = '200ms'", "SELECT pg_sleep(2)")


def lock_timeout(request):
    return _in_transaction("SET LOCAL lock_timeout = '200ms'", "UPDATE items SET qty = qty - 1 WHERE id = 1")


def undefined_table(request):
    return _in_transaction("SELECT id FROM orders_archive WHERE id = 1")


def undefined_column(request):
    return _in_transaction("SELECT id, discount FROM items WHERE id = 1")


@csrf_exempt
@require_POST
def unique(request):
    with transaction.atomic():
        Item.objects.create(id=1, name="duplicate", qty=1)
    return HttpResponse("ok")


# Settings read per request, as a view that honours a changed environment does.
def page_size(request):
    return JsonResponse({"page_size": env.int("PAGE_SIZE")})


def payments_url(request):
    return JsonResponse({"payments_url": env("PAYMENTS_URL")})


class Cart:
    owner = None


def find_cart(cart_id):
    return None


def null_dereference(request):
    return JsonResponse({"owner": find_cart("c-1").owner.name})


def slow(request):
    time.sleep(2)
    return HttpResponse("slow")


def _call(url, timeout):
    resp = requests.get(url, timeout=timeout)
    resp.raise_for_status()
    return HttpResponse(resp.content)


def downstream_500(request):
    return _call(env("DOWNSTREAM_URL") + "/null", 5)


def downstream_timeout(request):
    return _call(env("DOWNSTREAM_URL") + "/slow", 0.5)


def downstream_refused(request):
    return _call(env("CLOSED_URL") + "/payments", 5)


def bare_500(request):
    return HttpResponse(status=500)


def cache_refused(request):
    return HttpResponse(str(redis.Redis.from_url(env("REDIS_URL_REFUSED")).ping()))


def cache_ping(request):
    return HttpResponse(str(redis.Redis.from_url(env("REDIS_URL")).ping()))

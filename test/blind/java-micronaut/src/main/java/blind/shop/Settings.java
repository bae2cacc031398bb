package blind.shop;

import io.micronaut.context.annotation.Prototype;
import io.micronaut.context.annotation.Value;

/** Settings a handler reads per request (a new bean each time), as one that honours a changed configuration does. */
final class Settings {
    private Settings() {}

    /** shop.page-size: ${PAGE_SIZE}, bound to an int. */
    @Prototype
    static final class Paging {
        final int pageSize;

        Paging(@Value("${shop.page-size}") int pageSize) {
            this.pageSize = pageSize;
        }
    }

    /** payments.url: ${PAYMENTS_URL}, a required setting. */
    @Prototype
    static final class Payments {
        final String url;

        Payments(@Value("${payments.url}") String url) {
            this.url = url;
        }
    }
}

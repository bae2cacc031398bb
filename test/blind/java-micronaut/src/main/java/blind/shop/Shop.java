package blind.shop;

import io.micronaut.runtime.Micronaut;

/**
 * shop-micronaut: the blind check's Micronaut stack. Micronaut 4 (controllers on Netty, run on its blocking executor;
 * application.yml with environment placeholders, read through @Value), c3p0 pools over pgjdbc, Redisson, Micronaut's
 * HTTP client; run under the OpenTelemetry Java agent. Each route of test/blind/README.md induces its fault for real
 * (ShopController); an exception out of a controller is left to Micronaut, which logs it and answers 500.
 */
public final class Shop {
    private Shop() {}

    public static void main(String[] args) {
        Micronaut.run(Shop.class, args);
    }
}

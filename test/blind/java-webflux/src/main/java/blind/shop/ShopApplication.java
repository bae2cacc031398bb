package blind.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;

/**
 * shop-webflux: the blind check's Java stack. Spring WebFlux on Netty, R2DBC (r2dbc-postgresql through
 * r2dbc-pool, URLs from the environment), WebClient, settings from Spring's Environment; run under the
 * OpenTelemetry Java agent. Each route of test/blind/README.md induces its fault for real; nothing is
 * recorded by hand. The pools are built from URLs in {@link ShopController}, so Boot's own R2DBC pool is
 * left out.
 */
@SpringBootApplication(exclude = R2dbcAutoConfiguration.class)
public class ShopApplication {
    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}

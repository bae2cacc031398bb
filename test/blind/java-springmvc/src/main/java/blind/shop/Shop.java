package blind.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;

/**
 * shop-springmvc: the blind check's Spring MVC stack. Spring Boot 3.5 MVC on Undertow, Alibaba Druid pools over MySQL
 * Connector/J, OkHttp, Apache Commons Configuration 2 (Settings); run under the OpenTelemetry Java agent. Each route
 * of test/blind/README.md induces its fault for real (ShopController); an exception out of a controller is left to
 * Spring and Undertow (logged, Boot's error page with a 500).
 */
@SpringBootApplication(exclude = DataSourceAutoConfiguration.class)
public class Shop {
    public static void main(String[] args) {
        SpringApplication.run(Shop.class, args);
    }
}

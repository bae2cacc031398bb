package edx.testbed;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Java service of the test bed. One jar, run twice by the Go harness under
 * two service names: with the OpenTelemetry Spring Boot starter, and with the
 * OpenTelemetry Java agent (the starter's auto-configuration excluded).
 */
@SpringBootApplication
public class ShopApplication {
  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }

  static HikariDataSource pool(String name, String url, String user, String password, int size, long timeoutMs) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(url);
    c.setUsername(user);
    c.setPassword(password);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(timeoutMs);
    c.setValidationTimeout(250);
    // Start even when the database is not up yet; requests then fail for real.
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }

  /** PostgreSQL: JPA (products, coupons) and JDBC. */
  @Bean
  @Primary
  DataSource dataSource(@Value("${PG_URL}") String url, @Value("${PG_USER}") String user, @Value("${PG_PASSWORD}") String pw) {
    return pool("pg-main", url, user, pw, 2, 1500);
  }

  /** PostgreSQL, a pool of one connection (pool exhaustion). */
  @Bean
  DataSource smallPool(@Value("${PG_URL}") String url, @Value("${PG_USER}") String user, @Value("${PG_PASSWORD}") String pw) {
    HikariDataSource ds = pool("pg-small", url, user, pw, 1, 250);
    return ds;
  }

  /**
   * PostgreSQL, a pool of two that opens nothing until used (the metrics bed,
   * issue 26): its connection timeout outlasts the request deadline of
   * MetricsController, so a request gives up before the pool does.
   */
  @Bean
  DataSource busyPool(@Value("${PG_URL}") String url, @Value("${PG_USER}") String user, @Value("${PG_PASSWORD}") String pw) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("pg-busy");
    c.setJdbcUrl(url);
    c.setUsername(user);
    c.setPassword(pw);
    c.setMaximumPoolSize(2);
    c.setMinimumIdle(0);
    c.setConnectionTimeout(5000);
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }

  /** MariaDB over MariaDB Connector/J. */
  @Bean
  DataSource ledgerDataSource(@Value("${MY_URL}") String url, @Value("${MY_USER}") String user, @Value("${MY_PASSWORD}") String pw) {
    return pool("mariadb", url, user, pw, 2, 1500);
  }

  @Bean
  @Primary
  JdbcTemplate jdbcTemplate(DataSource dataSource) {
    return new JdbcTemplate(dataSource);
  }

  @Bean
  JdbcTemplate smallPoolJdbc(@Qualifier("smallPool") DataSource ds) {
    return new JdbcTemplate(ds);
  }

  @Bean
  JdbcTemplate ledgerJdbc(@Qualifier("ledgerDataSource") DataSource ds) {
    return new JdbcTemplate(ds);
  }
}

package blind.shop;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** The c3p0 pools of every database fault, made from application.yml's shop.database settings. */
@Factory
final class Pools {
    private final String host, unknownHost, user, password, name;
    private final int port, refusedPort;

    Pools(@Value("${shop.database.host}") String host, @Value("${shop.database.port}") int port,
            @Value("${shop.database.refused-port}") int refusedPort, @Value("${shop.database.unknown-host}") String unknownHost,
            @Value("${shop.database.user}") String user, @Value("${shop.database.password}") String password,
            @Value("${shop.database.name}") String name) {
        this.host = host;
        this.port = port;
        this.refusedPort = refusedPort;
        this.unknownHost = unknownHost;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    private ComboPooledDataSource pool(String name, String host, int port, String password, int maxSize, int checkoutTimeoutMillis) {
        ComboPooledDataSource ds = new ComboPooledDataSource(name);
        try {
            ds.setDriverClass("org.postgresql.Driver");
        } catch (java.beans.PropertyVetoException e) {
            throw new IllegalStateException(e);
        }
        ds.setJdbcUrl("jdbc:postgresql://" + host + ":" + port + "/" + this.name);
        ds.setUser(user);
        ds.setPassword(password);
        ds.setMinPoolSize(1);
        ds.setInitialPoolSize(1);
        ds.setMaxPoolSize(maxSize);
        ds.setCheckoutTimeout(checkoutTimeoutMillis);
        // One attempt per acquisition: a database that is down fails the borrow at once rather than after 30 s.
        ds.setAcquireRetryAttempts(1);
        ds.setAcquireRetryDelay(100);
        return ds;
    }

    @Singleton @Named("db") @Bean(preDestroy = "close")
    ComboPooledDataSource db() {
        return pool("db", host, port, password, 4, 5000);
    }

    /** The database is down: a port nothing listens on. */
    @Singleton @Named("refused") @Bean(preDestroy = "close")
    ComboPooledDataSource refused() {
        return pool("refused", host, refusedPort, password, 4, 5000);
    }

    @Singleton @Named("badAuth") @Bean(preDestroy = "close")
    ComboPooledDataSource badAuth() {
        return pool("badAuth", host, port, "not-the-password", 4, 5000);
    }

    @Singleton @Named("unknownHost") @Bean(preDestroy = "close")
    ComboPooledDataSource unknownHost() {
        return pool("unknownHost", unknownHost, 5432, password, 4, 5000);
    }

    /** A pool of one connection that waits 500 ms for a free one. */
    @Singleton @Named("single") @Bean(preDestroy = "close")
    ComboPooledDataSource single() {
        return pool("single", host, port, password, 1, 500);
    }
}

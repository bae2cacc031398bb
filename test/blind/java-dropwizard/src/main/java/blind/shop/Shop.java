package blind.shop;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * shop-dropwizard: the blind check's Dropwizard stack. Dropwizard 4 (Jersey resources on Jetty, shop.yml with
 * environment substitution, logback), Apache Commons DBCP2 pools over MariaDB Connector/J, Lettuce, the Jersey
 * client; run under the OpenTelemetry Java agent. Each route of test/blind/README.md induces its fault for real
 * (ShopResource); an exception out of a resource is left to Dropwizard's LoggingExceptionMapper (logged, a 500).
 */
public final class Shop extends Application<ShopConfiguration> {
    static final ConfigurationSourceProvider SOURCES =
            new SubstitutingSourceProvider(new ResourceConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true));

    public static void main(String[] args) throws Exception {
        new Shop().run("server", "shop.yml");
    }

    @Override
    public void initialize(Bootstrap<ShopConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(SOURCES);
    }

    private static BasicDataSource pool(ShopConfiguration.Database db, String host, int port, String password, int maxTotal, long maxWaitMillis) {
        BasicDataSource ds = new BasicDataSource();
        ds.setDriverClassName("org.mariadb.jdbc.Driver");
        ds.setUrl("jdbc:mariadb://" + host + ":" + port + "/" + db.name);
        ds.setUsername(db.user);
        ds.setPassword(password);
        ds.setInitialSize(0);
        ds.setMinIdle(0);
        ds.setMaxIdle(maxTotal);
        ds.setMaxTotal(maxTotal);
        ds.setMaxWait(Duration.ofMillis(maxWaitMillis));
        return ds;
    }

    private static Client client(long readTimeoutMillis) {
        return ClientBuilder.newBuilder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS)
                .build();
    }

    /** Reads a settings file of the classpath again, through the factory and substitution of shop.yml. */
    static <T> T settings(Class<T> klass, Environment env, String path) throws Exception {
        return new YamlConfigurationFactory<>(klass, env.getValidator(), env.getObjectMapper(), "dw").build(SOURCES, path);
    }

    @Override
    public void run(ShopConfiguration cfg, Environment env) {
        ShopConfiguration.Database d = cfg.database;
        RedisClient redis = RedisClient.create(cfg.redisUrl);
        StatefulRedisConnection<String, String> redisConn = redis.connect();
        ShopResource shop = new ShopResource(
                env,
                pool(d, d.host, d.port, d.password, 4, 5000),
                // The database is down: a port nothing listens on.
                pool(d, d.host, d.refusedPort, d.password, 4, 5000),
                pool(d, d.host, d.port, "not-the-password", 4, 5000),
                pool(d, d.unknownHost, 3306, d.password, 4, 5000),
                // A pool of one connection that waits 500 ms for a free one.
                pool(d, d.host, d.port, d.password, 1, 500),
                redisConn,
                RedisClient.create(cfg.redisUrlRefused),
                client(5000),
                client(500),
                cfg.downstreamUrl,
                cfg.closedUrl);
        env.jersey().register(shop);
    }
}

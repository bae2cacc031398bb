package blind.shop;

import com.alibaba.druid.pool.DruidDataSource;
import org.springframework.context.annotation.Bean;

/** The Druid pools of every database fault, made from shop.properties' db settings. */
@org.springframework.context.annotation.Configuration
class Pools {
    private final org.apache.commons.configuration2.Configuration db = Settings.load();

    private DruidDataSource pool(String name, String host, int port, String password, int maxActive, long maxWaitMillis) {
        DruidDataSource ds = new DruidDataSource();
        ds.setName(name);
        ds.setDriverClassName("com.mysql.cj.jdbc.Driver");
        ds.setUrl("jdbc:mysql://" + host + ":" + port + "/" + db.getString("db.name") + "?connectTimeout=2000");
        ds.setUsername(db.getString("db.user"));
        ds.setPassword(password);
        ds.setInitialSize(0);
        ds.setMinIdle(0);
        ds.setMaxActive(maxActive);
        ds.setMaxWait(maxWaitMillis);
        return ds;
    }

    @Bean(destroyMethod = "close")
    DruidDataSource main() {
        return pool("main", db.getString("db.host"), db.getInt("db.port"), db.getString("db.password"), 4, 5000);
    }

    /** The database is down: a port nothing listens on. */
    @Bean(destroyMethod = "close")
    DruidDataSource refused() {
        return pool("refused", db.getString("db.host"), db.getInt("db.refused-port"), db.getString("db.password"), 4, 2000);
    }

    @Bean(destroyMethod = "close")
    DruidDataSource badAuth() {
        return pool("badAuth", db.getString("db.host"), db.getInt("db.port"), "not-the-password", 4, 2000);
    }

    @Bean(destroyMethod = "close")
    DruidDataSource unknownHost() {
        return pool("unknownHost", db.getString("db.unknown-host"), 3306, db.getString("db.password"), 4, 2000);
    }

    /** A pool of one connection that waits 500 ms for a free one. */
    @Bean(destroyMethod = "close")
    DruidDataSource single() {
        return pool("single", db.getString("db.host"), db.getInt("db.port"), db.getString("db.password"), 1, 500);
    }
}

package blind.shop;

import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** shop.yml, bound by Dropwizard's configuration factory. */
public class ShopConfiguration extends Configuration {
    /** Where the databases of every fault are. */
    public static class Database {
        @NotEmpty public String host;
        public int port;
        public int refusedPort;
        @NotEmpty public String unknownHost;
        @NotEmpty public String user;
        @NotNull public String password;
        @NotEmpty public String name;
    }

    @Valid @NotNull public Database database;
    @NotEmpty public String redisUrl;
    @NotEmpty public String redisUrlRefused;
    @NotEmpty public String downstreamUrl;
    @NotEmpty public String closedUrl;

    /** paging.yml. */
    public static class Paging {
        public int pageSize;
    }

    /** payments.yml. */
    public static class Payments {
        @NotEmpty public String paymentsUrl;
    }
}

package blind.shop;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.builder.fluent.Configurations;
import org.apache.commons.configuration2.ex.ConfigurationException;

/** shop.properties of the classpath, read again on each call (as a service that honours a changed file does). */
final class Settings {
    private Settings() {}

    static PropertiesConfiguration load() {
        try {
            PropertiesConfiguration c = new Configurations().properties(Settings.class.getResource("/shop.properties"));
            // A key that is not set is an error, not a null.
            c.setThrowExceptionOnMissing(true);
            return c;
        } catch (ConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}

package blind.shop;

import java.net.URL;
import org.aeonbits.owner.Config;

/** The settings, read from the environment with Owner per request (a changed environment is honoured). */
final class Settings {
  private Settings() {}

  @Config.Sources("system:env")
  interface Page extends Config {
    @Key("PAGE_SIZE")
    int pageSize();
  }

  @Config.Sources("system:env")
  interface Payments extends Config {
    /** Required: Owner has no required keys, so an unset one is null and the caller checks it. */
    @Key("PAYMENTS_URL")
    URL paymentsUrl();
  }
}

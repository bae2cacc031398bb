package edx.testbed;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Mapped to a table whose migration was never run. */
@Entity
@Table(name = "coupons")
public class Coupon {
  @Id public Integer id;
  public String code;
  public int percent;
}

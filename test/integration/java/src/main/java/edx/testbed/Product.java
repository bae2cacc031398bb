package edx.testbed;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "products")
public class Product {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Integer id;

  @Column(nullable = false, unique = true)
  public String sku;

  @Column(nullable = false)
  public String name;

  @Column(nullable = false)
  public int stock;

  @Column(name = "price_cents", nullable = false)
  public int priceCents;
}

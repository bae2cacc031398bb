package blind.shop;

/** A row of items. */
public class Item {
  public int id;
  public String name;
  public int qty;

  public Item() {}

  Item(int id, String name, int qty) {
    this.id = id;
    this.name = name;
    this.qty = qty;
  }

  @Override
  public String toString() {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"qty\":" + qty + "}";
  }
}

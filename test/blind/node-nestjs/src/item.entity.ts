import { Column, Entity, PrimaryColumn } from 'typeorm';

// The driver's items table (blindcapture creates it).
@Entity({ name: 'items', synchronize: false })
export class Item {
  @PrimaryColumn()
  id: number;

  @Column()
  name: string;

  @Column()
  qty: number;
}

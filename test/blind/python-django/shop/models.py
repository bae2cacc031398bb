from django.db import models


class Item(models.Model):
    """The driver's items table (blindcapture creates it)."""

    id = models.IntegerField(primary_key=True)
    name = models.TextField()
    qty = models.IntegerField()

    class Meta:
        managed = False
        db_table = "items"

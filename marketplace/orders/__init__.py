"""Cart, orders and reservations: buyers order from several vendors at once, pay at pickup or
online, and each vendor handles the lines that are theirs."""

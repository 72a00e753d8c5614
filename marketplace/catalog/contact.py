"""What a vendor published for buyers (the WhatsApp link itself is vendors.profiles.contact's)."""


def public_contact(vendor) -> dict:
    """Only what the vendor chose to publish."""
    return {
        "phone": vendor.phone if vendor.show_phone and vendor.phone else None,
        "whatsapp": vendor.whatsapp if vendor.show_whatsapp and vendor.whatsapp else None,
    }

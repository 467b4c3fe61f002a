def send_welcome(address):
    """Send the welcome mail (a stand-in)."""
    return address

def transfer(source, target, amount, audit):
    try:
        source.withdraw(amount)
        target.deposit(amount)
    except ValueError:
        audit.append("invalid amount")
        raise
    except Exception:
        audit.append("transfer failed")
    else:
        audit.append("ok")
    finally:
        audit.append("done")

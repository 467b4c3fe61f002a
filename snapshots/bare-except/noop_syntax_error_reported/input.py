def legacy():
    try:
        print "python 2"
    except:
        pass

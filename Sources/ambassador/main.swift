import AmbassadorCommands

Ambassador.start()

"""Sources: files, the Korea Customs Service API and UN Comtrade, turned into customs lines."""

// Placeholder until the service lands.
return 0;

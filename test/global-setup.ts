// placeholder until the store lands\nexport default async function setup() {}

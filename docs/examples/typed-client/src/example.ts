// The worked example: log in, read who we are and the first page of the catalogue.
// Run: npm run build && node dist/src/example.js http://127.0.0.1:8000/graphql 13800000000
import { GridPointsClient } from "./client.js";
import { Catalogue, Login, Me } from "./operations.js";

export async function catalogueFor(url: string, phone: string, password: string) {
  const client = new GridPointsClient(url);
  const { login } = await client.request(Login, { phone, password });
  if (login.errors.length > 0 || !login.accessToken || !login.refreshToken) {
    throw new Error(`login failed: ${login.errors.map((error) => error.code).join(", ")}`);
  }
  client.session = { accessToken: login.accessToken, refreshToken: login.refreshToken };
  const { me } = await client.request(Me, {});
  const { offers } = await client.request(Catalogue, { first: 5 });
  // Every field here is typed: offers.edges[0].node.pointsPrice is a number, me.roles a Role[].
  return { me, offers: offers.edges.map((edge) => edge.node) };
}

if (process.argv[1]?.endsWith("example.js")) {
  const [url = "http://127.0.0.1:8000/graphql", phone = "13800000000"] = process.argv.slice(2);
  const { me, offers } = await catalogueFor(url, phone, "gridpoints-demo");
  console.log(`${me?.displayName} (${me?.roles.join(", ")}), ${me?.pointsBalance} points`);
  for (const offer of offers) {
    console.log(`${offer.title}: ${offer.pointsPrice} points at ${offer.merchant.name}`);
  }
}

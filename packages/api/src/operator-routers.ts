// The operator side of the API: capacity (sites, nodes, offers, RTT measurements), and the
// public catalogue of metros, GPU types and models.
import { catalogueRouter } from './catalogue/catalogue-router';
import { nodeRouter } from './node/node-router';
import { offerRouter } from './offer/offer-router';
import { rttRouter } from './rtt/rtt-router';
import { siteRouter } from './site/site-router';

export const operatorRouters = {
  site: siteRouter,
  node: nodeRouter,
  offer: offerRouter,
  rtt: rttRouter,
  catalogue: catalogueRouter,
};

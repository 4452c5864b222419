// The operator side of the API: capacity (sites, nodes, offers, RTT measurements).
export const operatorRouters = {};

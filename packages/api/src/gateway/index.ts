export { buildRouteSnapshot, replicaFigures } from './build-route-snapshot';
export {
  serveRouteSnapshot,
  tokensEqual,
  type RouteSnapshotResponse,
} from './serve-route-snapshot';

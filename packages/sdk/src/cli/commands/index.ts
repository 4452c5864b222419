// The `aigrid` commands, in the order `aigrid --help` lists them.
import type { Command } from '../framework';
import { gpusList, metrosList, modelsList } from './catalogue';
import {
  endpointsCreate,
  endpointsDelete,
  endpointsGet,
  endpointsList,
  endpointsPause,
  endpointsResume,
} from './endpoints';
import { endpointsPreview } from './endpoints-preview';
import { keysCreate, keysList, keysRevoke } from './keys';
import { nodesDrain, nodesEnroll, nodesList } from './nodes';
import { offersCreate, offersList } from './offers';
import { orgsCreate, orgsList } from './orgs';
import { login, logout, whoami } from './session';
import { sitesCreate, sitesList } from './sites';

export const COMMANDS: Command[] = [
  login,
  logout,
  whoami,
  orgsCreate,
  orgsList,
  keysCreate,
  keysList,
  keysRevoke,
  sitesList,
  sitesCreate,
  nodesEnroll,
  nodesList,
  nodesDrain,
  offersCreate,
  offersList,
  endpointsPreview,
  endpointsCreate,
  endpointsList,
  endpointsGet,
  endpointsPause,
  endpointsResume,
  endpointsDelete,
  modelsList,
  metrosList,
  gpusList,
];

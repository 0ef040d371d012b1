import type { FastifyPluginAsync } from "fastify";
import QRCode from "qrcode";
import {
  confirmEnrolment,
  disableSecondFactor,
  PERMISSIONS,
  readAudit,
  resetSecondFactor,
  secondFactorStatus,
  startEnrolment,
  type Station,
} from "../station/mod.js";
import { actingOperator } from "./access.js";
import { route } from "./route.js";

/**
 * The operator API's routes for the acting operator's own second factor (what a console session
 * that must enrol may still call), an admin's reset of another's, and the audit log.
 *
 * @param app the operator API
 * @param options the station
 */
export const secondFactorRoutes: FastifyPluginAsync<{ station: Station }> = async (app, { station }) => {
  const own = PERMISSIONS.ownSignIn;
  route(app, "GET /api/second-factor", {
    access: own,
    handler: async (request) => secondFactorStatus(station, await actingOperator(station, request.headers)),
  });
  route(app, "POST /api/second-factor", {
    access: own,
    handler: async (request) => {
      const enrolment = await startEnrolment(station, await actingOperator(station, request.headers));
      // Drawn here, so the console bundles no QR code library: an SVG it shows as an image.
      const qrSvg = await QRCode.toString(enrolment.uri, {
        type: "svg",
        margin: 2,
        errorCorrectionLevel: "M",
      });
      return { ...enrolment, qrSvg };
    },
  });
  route(app, "POST /api/second-factor/confirm", {
    access: own,
    handler: async (request) =>
      confirmEnrolment(station, await actingOperator(station, request.headers), request.body.code),
  });
  route(app, "POST /api/second-factor/disable", {
    access: own,
    handler: async (request) =>
      disableSecondFactor(station, await actingOperator(station, request.headers), request.body.code),
  });
  route(app, "POST /api/operators/:name/reset-2fa", {
    access: PERMISSIONS.manageOperators,
    handler: async (request) =>
      resetSecondFactor(station, request.params.name, { by: await actingOperator(station, request.headers) }),
  });
  route(app, "GET /api/audit", {
    access: PERMISSIONS.audit,
    handler: async (request) =>
      readAudit(station, request.query, { by: await actingOperator(station, request.headers) }),
  });
};

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findingsByTerminal } from '../../devices/findings-by-terminal.js';
import { parseDevicesFile } from '../../devices/parse-devices-file.js';
import { DeviceError, importDevices, listDevices, recordInspection } from '../../storage/devices-repo.js';
import { localDateOfEpoch } from '../../time/shanghai.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import { auditMerchant, type Lang } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { isoDate, routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

const date = isoDate();
const TerminalParams = MerchantParams.extend({ terminalId: z.string().min(1).max(64) });
const InspectionBody = z.object({ date: date.optional(), note: z.string().max(2000).optional() }).strict();
const ListQuery = z
  .object({ today: date.optional(), findings: z.enum(['true', 'false']).default('true') })
  .strict();

/** The bodies a devices file may come as: YAML (or JSON, which is YAML) text. */
const DEVICES_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** Turns a device refusal into the API's answer in the request's language: 404 unknown terminal, else 400. */
async function answer<T>(lang: Lang, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DeviceError) {
      throw bilingualError(lang, error.code === 'device_not_found' ? 404 : 400, error.code, {
        zh: error.zh,
        en: error.message,
      });
    }
    throw error;
  }
}

/** The terminal registry: import a devices file, list with inspection status and findings, record inspections. */
export function deviceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);
  const today = (): string => localDateOfEpoch(ctx.now().getTime());

  app.post(
    '/api/v1/merchants/:id/devices/import',
    {
      // A form upload or a spreadsheet is refused before its body is read, with what to send instead (the
      // general answer to an unparsed type speaks of forms, which this route does not take).
      onRequest: async (request) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (type === '' || type === 'application/json' || DEVICES_TYPES.includes(type)) return;
        throw bilingualError(requestLang(request), 415, 'unsupported_media_type', {
          zh: `设备文件请以 YAML 正文发送（Content-Type: application/yaml），不接受 ${type}；格式见模拟器生成的 devices.yaml`,
          en: `send the devices file as a YAML body (Content-Type: application/yaml), not ${type}; see the simulator's devices.yaml`,
        });
      },
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        summary: 'Import a devices file (YAML body, as the simulator writes devices.yaml)',
        tags: ['devices'],
        consumes: ['application/yaml', 'text/yaml', 'text/plain', 'application/json'],
      }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const body: unknown = request.body;
      const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
      const parsed = parseDevicesFile(text);
      if (!parsed.ok) throw bilingualError(requestLang(request), 400, 'invalid_devices_file', parsed);
      const actor = { userId: actorOf(request).userId, at: ctx.now().toISOString(), address: request.ip };
      return importDevices(ctx.db, actor, id, parsed.file);
    },
  );

  app.get(
    '/api/v1/merchants/:id/devices',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        querystring: ListQuery,
        summary: 'Terminals with inspection status (as of ?today) and audit findings per terminal',
        tags: ['devices'],
      }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const q = request.query as z.infer<typeof ListQuery>;
      const userId = actorOf(request).userId;
      const devices = await listDevices(ctx.db, userId, id, q.today ?? today());
      const empty = { findings: 0, overchargeFen: 0, lossFen: 0, byKind: {} };
      if (q.findings === 'false') return { devices: devices.map((d) => ({ ...d, findings: empty })) };
      const byTerminal = findingsByTerminal(await auditMerchant(ctx.db, userId, id, {}));
      const registered = new Set(devices.map((d) => d.terminalId));
      return {
        devices: devices.map((d) => {
          const f = byTerminal.get(d.terminalId);
          return {
            ...d,
            findings:
              f === undefined
                ? empty
                : {
                    findings: f.findings,
                    overchargeFen: f.overchargeFen,
                    lossFen: f.lossFen,
                    byKind: f.byKind,
                  },
          };
        }),
        // Terminals the records name that the registry does not know: register them.
        unregistered: [...byTerminal.values()].filter((f) => !registered.has(f.terminalId)),
      };
    },
  );

  app.post(
    '/api/v1/merchants/:id/devices/:terminalId/inspections',
    {
      preHandler: auth,
      schema: routeSchema({
        params: TerminalParams,
        body: InspectionBody,
        summary: 'Record an inspection (date defaults to today, Asia/Shanghai)',
        tags: ['devices'],
      }),
    },
    async (request, reply) => {
      const { id, terminalId } = request.params as z.infer<typeof TerminalParams>;
      const body = (request.body ?? {}) as z.infer<typeof InspectionBody>;
      const actor = { userId: actorOf(request).userId, at: ctx.now().toISOString(), address: request.ip };
      const device = await answer(requestLang(request), () =>
        recordInspection(ctx.db, actor, id, terminalId, { date: body.date ?? today(), note: body.note }),
      );
      return reply.status(201).send(device);
    },
  );
}

import type { CustomColumn, EntityType } from "../../domain/model.js";
import type { ColumnRepository } from "../api.js";
import type { Conn } from "./db.js";
import type { WriteLocks } from "./lock.js";

const COLUMN = `id, entity_type as "entityType", label, type, options, created_at as "createdAt", updated_at as "updatedAt"`;

export class PgColumnRepository implements ColumnRepository {
  constructor(
    private readonly c: Conn,
    private readonly locks: WriteLocks,
  ) {}

  async list(companyId: string, entityType?: EntityType): Promise<CustomColumn[]> {
    await this.locks.take(companyId);
    return entityType
      ? this.c.all<CustomColumn>(
          `select ${COLUMN} from custom_columns where company_id = $1 and entity_type = $2 order by id`,
          [companyId, entityType],
        )
      : this.c.all<CustomColumn>(`select ${COLUMN} from custom_columns where company_id = $1 order by id`, [
          companyId,
        ]);
  }

  async get(companyId: string, id: string): Promise<CustomColumn | undefined> {
    await this.locks.take(companyId);
    return this.c.one<CustomColumn>(
      `select ${COLUMN} from custom_columns where company_id = $1 and id = $2`,
      [companyId, id],
    );
  }

  async insert(companyId: string, column: CustomColumn): Promise<void> {
    await this.locks.take(companyId);
    await this.c.run(
      "insert into custom_columns (id, company_id, entity_type, label, type, options, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
      [
        column.id,
        companyId,
        column.entityType,
        column.label,
        column.type,
        JSON.stringify(column.options),
        column.createdAt,
        column.updatedAt,
      ],
    );
  }

  async update(
    companyId: string,
    id: string,
    patch: Partial<Pick<CustomColumn, "label" | "options" | "updatedAt">>,
  ): Promise<void> {
    await this.locks.take(companyId);
    const columns = { label: "label", options: "options", updatedAt: "updated_at" } as const;
    const keys = (Object.keys(patch) as (keyof typeof columns)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return;
    const values = keys.map((k) => (k === "options" ? JSON.stringify(patch[k]) : patch[k]));
    await this.c.run(
      `update custom_columns set ${keys.map((k, i) => `${columns[k]} = $${i + 1}`).join(", ")}
       where company_id = $${keys.length + 1} and id = $${keys.length + 2}`,
      [...values, companyId, id],
    );
  }

  async delete(companyId: string, id: string): Promise<void> {
    await this.locks.take(companyId);
    await this.c.run("delete from custom_columns where company_id = $1 and id = $2", [companyId, id]);
  }

  async dealStages(companyId: string): Promise<string[] | null> {
    await this.locks.take(companyId);
    const row = await this.c.one<{ stages: string[] }>(
      "select stages from deal_stages where company_id = $1",
      [companyId],
    );
    return row?.stages ?? null;
  }

  async setDealStages(companyId: string, stages: string[], updatedAt: string): Promise<void> {
    await this.locks.take(companyId);
    await this.c.run(
      `insert into deal_stages (company_id, stages, updated_at) values ($1, $2, $3)
       on conflict (company_id) do update set stages = excluded.stages, updated_at = excluded.updated_at`,
      [companyId, JSON.stringify(stages), updatedAt],
    );
  }
}

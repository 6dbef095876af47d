import { and, asc, eq } from "drizzle-orm";
import type { CustomColumn, EntityType } from "../../domain/model.js";
import type { ColumnRepository } from "../api.js";
import type { Db } from "./db.js";
import { customColumns, dealStages } from "./schema/index.js";

export class SqliteColumnRepository implements ColumnRepository {
  constructor(private readonly db: Db) {}

  async list(companyId: string, entityType?: EntityType): Promise<CustomColumn[]> {
    const where = entityType
      ? and(eq(customColumns.companyId, companyId), eq(customColumns.entityType, entityType))
      : eq(customColumns.companyId, companyId);
    return this.db
      .select()
      .from(customColumns)
      .where(where)
      .orderBy(asc(customColumns.id))
      .all()
      .map(toColumn);
  }

  async get(companyId: string, id: string): Promise<CustomColumn | undefined> {
    const row = this.db
      .select()
      .from(customColumns)
      .where(and(eq(customColumns.companyId, companyId), eq(customColumns.id, id)))
      .get();
    return row ? toColumn(row) : undefined;
  }

  async insert(companyId: string, column: CustomColumn): Promise<void> {
    this.db
      .insert(customColumns)
      .values({ ...column, companyId })
      .run();
  }

  async update(
    companyId: string,
    id: string,
    patch: Partial<Pick<CustomColumn, "label" | "options" | "updatedAt">>,
  ) {
    this.db
      .update(customColumns)
      .set(patch)
      .where(and(eq(customColumns.companyId, companyId), eq(customColumns.id, id)))
      .run();
  }

  async delete(companyId: string, id: string): Promise<void> {
    this.db
      .delete(customColumns)
      .where(and(eq(customColumns.companyId, companyId), eq(customColumns.id, id)))
      .run();
  }

  async dealStages(companyId: string): Promise<string[] | null> {
    return this.db.select().from(dealStages).where(eq(dealStages.companyId, companyId)).get()?.stages ?? null;
  }

  async setDealStages(companyId: string, stages: string[], updatedAt: string): Promise<void> {
    this.db
      .insert(dealStages)
      .values({ companyId, stages, updatedAt })
      .onConflictDoUpdate({ target: dealStages.companyId, set: { stages, updatedAt } })
      .run();
  }
}

function toColumn(row: typeof customColumns.$inferSelect): CustomColumn {
  return {
    id: row.id,
    entityType: row.entityType as EntityType,
    label: row.label,
    type: row.type as CustomColumn["type"],
    options: row.options,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

import { describe, expect, it } from 'vitest'
import { accountDatabaseNames, deleteAccountDatabases } from './account-databases.ts'

const ALICE = '0xAbC0000000000000000000000000000000000001'
const alice = ALICE.toLowerCase()

describe("deleting an account's databases", () => {
  it("finds the account's databases on every node, and nothing else", () => {
    const names = [
      `parley/http://127.0.0.1:5555/${alice}`,
      `parley/https://node.example/${alice}`,
      `parley/http://127.0.0.1:5555/0xabc0000000000000000000000000000000000002`,
      `other/${alice}`,
      undefined,
      `parley/http://127.0.0.1:5555/${alice}x`,
    ]
    expect(accountDatabaseNames(names, ALICE)).toEqual([`parley/http://127.0.0.1:5555/${alice}`, `parley/https://node.example/${alice}`])
    expect(() => accountDatabaseNames(names, '')).toThrow(/address must be a non-empty string/)
  })

  it('deletes them through the IDBFactory, and deletes nothing where databases() is missing', async () => {
    const deleted: string[] = []
    const factory = {
      databases: async () => [{ name: `parley/http://n/${alice}`, version: 1 }, { name: 'parley/http://n/0x2', version: 1 }],
      deleteDatabase: (name: string) => void deleted.push(name),
    } as unknown as IDBFactory
    expect(await deleteAccountDatabases(factory, ALICE)).toEqual([`parley/http://n/${alice}`])
    expect(deleted).toEqual([`parley/http://n/${alice}`])
    const old = { deleteDatabase: (name: string) => void deleted.push(name) } as unknown as IDBFactory
    expect(await deleteAccountDatabases(old, ALICE)).toEqual([])
    expect(deleted).toHaveLength(1)
  })
})

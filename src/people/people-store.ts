import type { Person } from './person.ts';

/** The configured people as the store keeps them, found by any surface account or email. */
export interface PeopleRepository {
  sync(people: Person[]): Promise<void>;
  list(): Promise<Person[]>;
  get(name: string): Promise<Person | null>;
  findBy(field: 'slack' | 'teams' | 'email', value: string): Promise<Person | null>;
}

export interface PeopleRepos {
  people: PeopleRepository;
}

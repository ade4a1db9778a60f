// People routes: users, groups, organizations, customers, custom ticket fields.
import { IdParams, Page } from '../../../api/common.ts';
import {
  CreateCustomerBody, CreatedUser, CreateFieldBody, CreateGroupBody, CreateOrganizationBody, CreateUserBody, Customer, CustomerDetail,
  Group, GroupDetail, GroupMembersBody, ListCustomersQuery, ListFieldsQuery, ListGroupsQuery, ListOrganizationsQuery, ListUsersQuery,
  Organization, TicketField, UpdateCustomerBody, UpdateFieldBody, UpdateGroupBody, UpdateMeBody, UpdateOrganizationBody, UpdateUserBody, User,
} from '../../../api/people.ts';
import type { Deps } from '../../deps.ts';
import { idempotent } from '../../http/idempotency.ts';
import type { App } from '../../http/types.ts';
import * as customers from './customers.service.ts';
import * as fields from './fields.service.ts';
import * as groups from './groups.service.ts';
import * as orgs from './organizations.service.ts';
import { presentCustomer, presentCustomerDetail, presentField, presentGroup, presentGroupDetail, presentOrganization, presentUser } from './people.presenter.ts';
import * as users from './users.service.ts';

const pageOf = <R, T>(r: { items: R[]; nextCursor: string | null }, present: (row: R) => T) => ({ items: r.items.map(present), nextCursor: r.nextCursor });

function userRoutes(app: App, deps: Deps) {
  const tags = ['users'];
  app.get('/api/v1/users', {
    schema: { tags, summary: 'Agents, by name; filters role, active, groupId, q (name or e-mail prefix)', querystring: ListUsersQuery, response: { 200: Page(User) } },
  }, async (req) => pageOf(await users.listUsers(deps, req.actor, req.query), presentUser));

  app.get('/api/v1/users/:id', { schema: { tags, summary: 'An agent', params: IdParams, response: { 200: User } } }, async (req) => {
    return presentUser(await users.getUser(deps, req.actor, req.params.id));
  });

  app.post('/api/v1/users', {
    schema: {
      tags, summary: 'Create an agent (admin). Without a password one is generated and returned once (Idempotency-Key supported; a replay does not repeat the password)',
      body: CreateUserBody, response: { 201: CreatedUser },
    },
  }, async (req, reply) => {
    // The generated password is never stored with the idempotent response: only the first answer carries it.
    let generated: string | null = null;
    const user = await idempotent(deps, req, reply, 201, async (d) => {
      const r = await users.createUser(d, req.actor, req.body);
      generated = r.generatedPassword;
      return presentUser(r.user);
    });
    return { ...user, generatedPassword: generated };
  });

  app.patch('/api/v1/users/me', {
    schema: { tags, summary: 'Change my own name, locale or time zone', body: UpdateMeBody, response: { 200: User } },
  }, async (req) => presentUser(await users.updateMe(deps, req.actor, req.body)));

  app.patch('/api/v1/users/:id', {
    schema: { tags, summary: 'Update an agent (admin); active=false ends their sessions and revokes their tokens', params: IdParams, body: UpdateUserBody, response: { 200: User } },
  }, async (req) => presentUser(await users.updateUser(deps, req.actor, req.params.id, req.body)));
}

function groupRoutes(app: App, deps: Deps) {
  const tags = ['groups'];
  app.get('/api/v1/groups', {
    schema: { tags, summary: 'Groups (teams), by name', querystring: ListGroupsQuery, response: { 200: Page(Group) } },
  }, async (req) => pageOf(await groups.listGroups(deps, req.actor, req.query), presentGroup));

  app.get('/api/v1/groups/:id', { schema: { tags, summary: 'A group with its member ids', params: IdParams, response: { 200: GroupDetail } } }, async (req) => {
    return presentGroupDetail(await groups.getGroup(deps, req.actor, req.params.id));
  });

  app.post('/api/v1/groups', {
    schema: { tags, summary: 'Create a group (admin; Idempotency-Key supported)', body: CreateGroupBody, response: { 201: GroupDetail } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentGroupDetail(await groups.createGroup(d, req.actor, req.body))));

  app.patch('/api/v1/groups/:id', {
    schema: { tags, summary: 'Rename or describe a group (admin)', params: IdParams, body: UpdateGroupBody, response: { 200: GroupDetail } },
  }, async (req) => presentGroupDetail(await groups.updateGroup(deps, req.actor, req.params.id, req.body)));

  app.put('/api/v1/groups/:id/members', {
    schema: { tags, summary: 'Replace the members of a group (admin or lead)', params: IdParams, body: GroupMembersBody, response: { 200: GroupDetail } },
  }, async (req) => presentGroupDetail(await groups.setMembers(deps, req.actor, req.params.id, req.body.userIds)));
}

function organizationRoutes(app: App, deps: Deps) {
  const tags = ['organizations'];
  app.get('/api/v1/organizations', {
    schema: { tags, summary: 'Organizations, by name; q is a name prefix', querystring: ListOrganizationsQuery, response: { 200: Page(Organization) } },
  }, async (req) => pageOf(await orgs.listOrganizations(deps, req.actor, req.query), presentOrganization));

  app.get('/api/v1/organizations/:id', { schema: { tags, summary: 'An organization', params: IdParams, response: { 200: Organization } } }, async (req) => {
    return presentOrganization(await orgs.getOrganization(deps, req.actor, req.params.id));
  });

  app.post('/api/v1/organizations', {
    schema: { tags, summary: 'Create an organization; customers on its domains without one join it (Idempotency-Key supported)', body: CreateOrganizationBody, response: { 201: Organization } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentOrganization(await orgs.createOrganization(d, req.actor, req.body))));

  app.patch('/api/v1/organizations/:id', {
    schema: { tags, summary: 'Update an organization; new domains link their customers without one', params: IdParams, body: UpdateOrganizationBody, response: { 200: Organization } },
  }, async (req) => presentOrganization(await orgs.updateOrganization(deps, req.actor, req.params.id, req.body)));
}

function customerRoutes(app: App, deps: Deps) {
  const tags = ['customers'];
  app.get('/api/v1/customers', {
    schema: { tags, summary: 'Customers, by name; filters q (name or e-mail prefix), stage, organizationId', querystring: ListCustomersQuery, response: { 200: Page(Customer) } },
  }, async (req) => pageOf(await customers.listCustomers(deps, req.actor, req.query), presentCustomer));

  app.get('/api/v1/customers/:id', {
    schema: { tags, summary: 'A customer with e-mails, organization and ticket counts', params: IdParams, response: { 200: CustomerDetail } },
  }, async (req) => presentCustomerDetail(await customers.getCustomer(deps, req.actor, req.params.id)));

  app.post('/api/v1/customers', {
    schema: { tags, summary: 'Create a customer; the first e-mail is the primary one (Idempotency-Key supported)', body: CreateCustomerBody, response: { 201: CustomerDetail } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentCustomerDetail(await customers.createCustomer(d, req.actor, req.body))));

  app.patch('/api/v1/customers/:id', {
    schema: { tags, summary: 'Update a customer; a stage change restarts stageSince', params: IdParams, body: UpdateCustomerBody, response: { 200: CustomerDetail } },
  }, async (req) => presentCustomerDetail(await customers.updateCustomer(deps, req.actor, req.params.id, req.body)));
}

function fieldRoutes(app: App, deps: Deps) {
  const tags = ['fields'];
  app.get('/api/v1/fields', {
    schema: { tags, summary: 'Custom ticket field definitions', querystring: ListFieldsQuery, response: { 200: Page(TicketField) } },
  }, async (req) => pageOf(await fields.listFields(deps, req.actor, req.query), presentField));

  app.post('/api/v1/fields', {
    schema: { tags, summary: 'Define a custom ticket field (admin; Idempotency-Key supported)', body: CreateFieldBody, response: { 201: TicketField } },
  }, async (req, reply) => idempotent(deps, req, reply, 201, async (d) => presentField(await fields.createField(d, req.actor, req.body))));

  app.patch('/api/v1/fields/:id', {
    schema: { tags, summary: 'Change labels, options, required or active (admin); key and type are fixed', params: IdParams, body: UpdateFieldBody, response: { 200: TicketField } },
  }, async (req) => presentField(await fields.updateField(deps, req.actor, req.params.id, req.body)));
}

export function peopleRoutes(app: App, deps: Deps) {
  userRoutes(app, deps);
  groupRoutes(app, deps);
  organizationRoutes(app, deps);
  customerRoutes(app, deps);
  fieldRoutes(app, deps);
}

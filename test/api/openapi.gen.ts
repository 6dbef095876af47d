// Made by `npm run api:types` from /api/v1/openapi.json; test/api/openapi.test.ts checks it.
export interface paths {
    "/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List contacts, optionally matching a search term
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        get: operations["listContacts"];
        put?: never;
        /**
         * Create 1-100 contacts (all or nothing)
         * @description Create 1-100 contacts, all or nothing.
         *
         *     Runs the MCP tool `create_contacts`.
         */
        post: operations["createContacts"];
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change 1-100 contacts, only the fields given (all or nothing)
         * @description Change 1-100 contacts, all or nothing: only the fields given; a relationship array replaces all links (link_entities adds some).
         *
         *     Runs the MCP tool `update_contacts`.
         */
        patch: operations["updateContacts"];
        trace?: never;
    };
    "/contacts/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find contacts by search term and filters, sorted and paged
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        post: operations["searchContacts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count contacts, optionally matching a search term
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        get: operations["countContacts"];
        put?: never;
        /**
         * Count contacts matching a search term and filters
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        post: operations["countContactsByFilters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The fields, relationship arrays and custom columns of contacts
         * @description An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it first.
         *
         *     Runs the MCP tool `get_entity_configuration`.
         */
        get: operations["describeContacts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one of the contacts; include=withNotes adds its notes as markdown
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getContacts"];
        put?: never;
        post?: never;
        /**
         * Delete one of the contacts; linked records lose the link
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        delete: operations["deleteContacts"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete 1-100 contacts (every id must exist, or nothing is deleted)
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        post: operations["deleteContactsBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/{id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add links to other records, keeping the existing ones
         * @description Add links from one record to others, keeping the rest; shown on both sides. Returns the resulting id array.
         *
         *     Runs the MCP tool `link_entities`.
         */
        post: operations["linkContacts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/{id}/unlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove some links, keeping the rest
         * @description Remove some links from one record, keeping the rest. Returns the resulting id array.
         *
         *     Runs the MCP tool `unlink_entities`.
         */
        post: operations["unlinkContacts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A record's notes as markdown (null when it has none)
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getContactsNotes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the notes of 1-100 records with markdown; null clears them
         * @description Replace the notes of 1-100 records with markdown; null clears them.
         *
         *     Runs the MCP tool `update_entity_notes`.
         */
        put: operations["replaceContactsNotes"];
        /**
         * Add markdown after the notes of 1-100 records
         * @description Add markdown after the notes of 1-100 records, separated by a blank line.
         *
         *     Runs the MCP tool `append_entity_notes`.
         */
        post: operations["appendContactsNotes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contacts/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set custom field values on 1-100 records (null clears)
         * @description Set custom field values on 1-100 records, each checked against its column's type. Other columns keep their values.
         *
         *     Runs the MCP tool `update_entity_custom_fields`.
         */
        patch: operations["setContactsCustomFields"];
        trace?: never;
    };
    "/contacts/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed a record, when and what, newest first
         * @description Who changed a record, when and what: its events newest first ({event, at, userId, changes}; notes as markdown), deleted records too.
         *
         *     Runs the MCP tool `get_entity_history`.
         */
        get: operations["getContactsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List organizations, optionally matching a search term
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        get: operations["listOrganizations"];
        put?: never;
        /**
         * Create 1-100 organizations (all or nothing)
         * @description Create 1-100 organizations, all or nothing.
         *
         *     Runs the MCP tool `create_organizations`.
         */
        post: operations["createOrganizations"];
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change 1-100 organizations, only the fields given (all or nothing)
         * @description Change 1-100 organizations, all or nothing: only the fields given; a relationship array replaces all links (link_entities adds some).
         *
         *     Runs the MCP tool `update_organizations`.
         */
        patch: operations["updateOrganizations"];
        trace?: never;
    };
    "/organizations/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find organizations by search term and filters, sorted and paged
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        post: operations["searchOrganizations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count organizations, optionally matching a search term
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        get: operations["countOrganizations"];
        put?: never;
        /**
         * Count organizations matching a search term and filters
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        post: operations["countOrganizationsByFilters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The fields, relationship arrays and custom columns of organizations
         * @description An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it first.
         *
         *     Runs the MCP tool `get_entity_configuration`.
         */
        get: operations["describeOrganizations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one of the organizations; include=withNotes adds its notes as markdown
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getOrganizations"];
        put?: never;
        post?: never;
        /**
         * Delete one of the organizations; linked records lose the link
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        delete: operations["deleteOrganizations"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete 1-100 organizations (every id must exist, or nothing is deleted)
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        post: operations["deleteOrganizationsBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/{id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add links to other records, keeping the existing ones
         * @description Add links from one record to others, keeping the rest; shown on both sides. Returns the resulting id array.
         *
         *     Runs the MCP tool `link_entities`.
         */
        post: operations["linkOrganizations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/{id}/unlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove some links, keeping the rest
         * @description Remove some links from one record, keeping the rest. Returns the resulting id array.
         *
         *     Runs the MCP tool `unlink_entities`.
         */
        post: operations["unlinkOrganizations"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A record's notes as markdown (null when it has none)
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getOrganizationsNotes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the notes of 1-100 records with markdown; null clears them
         * @description Replace the notes of 1-100 records with markdown; null clears them.
         *
         *     Runs the MCP tool `update_entity_notes`.
         */
        put: operations["replaceOrganizationsNotes"];
        /**
         * Add markdown after the notes of 1-100 records
         * @description Add markdown after the notes of 1-100 records, separated by a blank line.
         *
         *     Runs the MCP tool `append_entity_notes`.
         */
        post: operations["appendOrganizationsNotes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/organizations/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set custom field values on 1-100 records (null clears)
         * @description Set custom field values on 1-100 records, each checked against its column's type. Other columns keep their values.
         *
         *     Runs the MCP tool `update_entity_custom_fields`.
         */
        patch: operations["setOrganizationsCustomFields"];
        trace?: never;
    };
    "/organizations/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed a record, when and what, newest first
         * @description Who changed a record, when and what: its events newest first ({event, at, userId, changes}; notes as markdown), deleted records too.
         *
         *     Runs the MCP tool `get_entity_history`.
         */
        get: operations["getOrganizationsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List deals, optionally matching a search term
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        get: operations["listDeals"];
        put?: never;
        /**
         * Create 1-100 deals (all or nothing)
         * @description Create 1-100 deals, all or nothing.
         *
         *     Runs the MCP tool `create_deals`.
         */
        post: operations["createDeals"];
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change 1-100 deals, only the fields given (all or nothing)
         * @description Change 1-100 deals, all or nothing: only the fields given; a relationship array replaces all links (link_entities adds some).
         *
         *     Runs the MCP tool `update_deals`.
         */
        patch: operations["updateDeals"];
        trace?: never;
    };
    "/deals/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find deals by search term and filters, sorted and paged
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        post: operations["searchDeals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count deals, optionally matching a search term
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        get: operations["countDeals"];
        put?: never;
        /**
         * Count deals matching a search term and filters
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        post: operations["countDealsByFilters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The fields, relationship arrays and custom columns of deals
         * @description An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it first.
         *
         *     Runs the MCP tool `get_entity_configuration`.
         */
        get: operations["describeDeals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one of the deals; include=withNotes adds its notes as markdown
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getDeals"];
        put?: never;
        post?: never;
        /**
         * Delete one of the deals; linked records lose the link
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        delete: operations["deleteDeals"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete 1-100 deals (every id must exist, or nothing is deleted)
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        post: operations["deleteDealsBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/{id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add links to other records, keeping the existing ones
         * @description Add links from one record to others, keeping the rest; shown on both sides. Returns the resulting id array.
         *
         *     Runs the MCP tool `link_entities`.
         */
        post: operations["linkDeals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/{id}/unlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove some links, keeping the rest
         * @description Remove some links from one record, keeping the rest. Returns the resulting id array.
         *
         *     Runs the MCP tool `unlink_entities`.
         */
        post: operations["unlinkDeals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A record's notes as markdown (null when it has none)
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getDealsNotes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the notes of 1-100 records with markdown; null clears them
         * @description Replace the notes of 1-100 records with markdown; null clears them.
         *
         *     Runs the MCP tool `update_entity_notes`.
         */
        put: operations["replaceDealsNotes"];
        /**
         * Add markdown after the notes of 1-100 records
         * @description Add markdown after the notes of 1-100 records, separated by a blank line.
         *
         *     Runs the MCP tool `append_entity_notes`.
         */
        post: operations["appendDealsNotes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deals/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set custom field values on 1-100 records (null clears)
         * @description Set custom field values on 1-100 records, each checked against its column's type. Other columns keep their values.
         *
         *     Runs the MCP tool `update_entity_custom_fields`.
         */
        patch: operations["setDealsCustomFields"];
        trace?: never;
    };
    "/deals/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed a record, when and what, newest first
         * @description Who changed a record, when and what: its events newest first ({event, at, userId, changes}; notes as markdown), deleted records too.
         *
         *     Runs the MCP tool `get_entity_history`.
         */
        get: operations["getDealsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List services, optionally matching a search term
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        get: operations["listServices"];
        put?: never;
        /**
         * Create 1-100 services (all or nothing)
         * @description Create 1-100 services, all or nothing.
         *
         *     Runs the MCP tool `create_services`.
         */
        post: operations["createServices"];
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change 1-100 services, only the fields given (all or nothing)
         * @description Change 1-100 services, all or nothing: only the fields given; a relationship array replaces all links (link_entities adds some).
         *
         *     Runs the MCP tool `update_services`.
         */
        patch: operations["updateServices"];
        trace?: never;
    };
    "/services/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find services by search term and filters, sorted and paged
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        post: operations["searchServices"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count services, optionally matching a search term
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        get: operations["countServices"];
        put?: never;
        /**
         * Count services matching a search term and filters
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        post: operations["countServicesByFilters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The fields, relationship arrays and custom columns of services
         * @description An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it first.
         *
         *     Runs the MCP tool `get_entity_configuration`.
         */
        get: operations["describeServices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one of the services; include=withNotes adds its notes as markdown
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getServices"];
        put?: never;
        post?: never;
        /**
         * Delete one of the services; linked records lose the link
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        delete: operations["deleteServices"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete 1-100 services (every id must exist, or nothing is deleted)
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        post: operations["deleteServicesBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add links to other records, keeping the existing ones
         * @description Add links from one record to others, keeping the rest; shown on both sides. Returns the resulting id array.
         *
         *     Runs the MCP tool `link_entities`.
         */
        post: operations["linkServices"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{id}/unlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove some links, keeping the rest
         * @description Remove some links from one record, keeping the rest. Returns the resulting id array.
         *
         *     Runs the MCP tool `unlink_entities`.
         */
        post: operations["unlinkServices"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A record's notes as markdown (null when it has none)
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getServicesNotes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the notes of 1-100 records with markdown; null clears them
         * @description Replace the notes of 1-100 records with markdown; null clears them.
         *
         *     Runs the MCP tool `update_entity_notes`.
         */
        put: operations["replaceServicesNotes"];
        /**
         * Add markdown after the notes of 1-100 records
         * @description Add markdown after the notes of 1-100 records, separated by a blank line.
         *
         *     Runs the MCP tool `append_entity_notes`.
         */
        post: operations["appendServicesNotes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set custom field values on 1-100 records (null clears)
         * @description Set custom field values on 1-100 records, each checked against its column's type. Other columns keep their values.
         *
         *     Runs the MCP tool `update_entity_custom_fields`.
         */
        patch: operations["setServicesCustomFields"];
        trace?: never;
    };
    "/services/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed a record, when and what, newest first
         * @description Who changed a record, when and what: its events newest first ({event, at, userId, changes}; notes as markdown), deleted records too.
         *
         *     Runs the MCP tool `get_entity_history`.
         */
        get: operations["getServicesHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tasks, optionally matching a search term
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        get: operations["listTasks"];
        put?: never;
        /**
         * Create 1-100 tasks (all or nothing)
         * @description Create 1-100 tasks, all or nothing.
         *
         *     Runs the MCP tool `create_tasks`.
         */
        post: operations["createTasks"];
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change 1-100 tasks, only the fields given (all or nothing)
         * @description Change 1-100 tasks, all or nothing: only the fields given; a relationship array replaces all links (link_entities adds some).
         *
         *     Runs the MCP tool `update_tasks`.
         */
        patch: operations["updateTasks"];
        trace?: never;
    };
    "/tasks/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find tasks by search term and filters, sorted and paged
         * @description Records of one entity type by searchTerm (words of names, emails, phones, domains) and filters, sorted, paged; without notes (get_entities has them).
         *
         *     Runs the MCP tool `filter_entity`.
         */
        post: operations["searchTasks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Count tasks, optionally matching a search term
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        get: operations["countTasks"];
        put?: never;
        /**
         * Count tasks matching a search term and filters
         * @description Count the records of one entity type matching searchTerm and filters, as filter_entity does.
         *
         *     Runs the MCP tool `count_entity`.
         */
        post: operations["countTasksByFilters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The fields, relationship arrays and custom columns of tasks
         * @description An entity type's fields, relationship arrays and custom columns, with the filter operators each takes. Call it first.
         *
         *     Runs the MCP tool `get_entity_configuration`.
         */
        get: operations["describeTasks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one of the tasks; include=withNotes adds its notes as markdown
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getTasks"];
        put?: never;
        post?: never;
        /**
         * Delete one of the tasks; linked records lose the link
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        delete: operations["deleteTasks"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete 1-100 tasks (every id must exist, or nothing is deleted)
         * @description Delete 1-100 records of one type. Irreversible: records, links and notes are gone. Every id must exist or nothing is deleted.
         *
         *     Runs the MCP tool `delete_entities`.
         */
        post: operations["deleteTasksBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add links to other records, keeping the existing ones
         * @description Add links from one record to others, keeping the rest; shown on both sides. Returns the resulting id array.
         *
         *     Runs the MCP tool `link_entities`.
         */
        post: operations["linkTasks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}/unlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove some links, keeping the rest
         * @description Remove some links from one record, keeping the rest. Returns the resulting id array.
         *
         *     Runs the MCP tool `unlink_entities`.
         */
        post: operations["unlinkTasks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A record's notes as markdown (null when it has none)
         * @description Read up to 100 records by id: "masterData" (fields, links, custom values) or "withNotes" (plus notes as markdown). An unknown id gets an error item.
         *
         *     Runs the MCP tool `get_entities`.
         */
        get: operations["getTasksNotes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the notes of 1-100 records with markdown; null clears them
         * @description Replace the notes of 1-100 records with markdown; null clears them.
         *
         *     Runs the MCP tool `update_entity_notes`.
         */
        put: operations["replaceTasksNotes"];
        /**
         * Add markdown after the notes of 1-100 records
         * @description Add markdown after the notes of 1-100 records, separated by a blank line.
         *
         *     Runs the MCP tool `append_entity_notes`.
         */
        post: operations["appendTasksNotes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/custom-fields": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Set custom field values on 1-100 records (null clears)
         * @description Set custom field values on 1-100 records, each checked against its column's type. Other columns keep their values.
         *
         *     Runs the MCP tool `update_entity_custom_fields`.
         */
        patch: operations["setTasksCustomFields"];
        trace?: never;
    };
    "/tasks/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed a record, when and what, newest first
         * @description Who changed a record, when and what: its events newest first ({event, at, userId, changes}; notes as markdown), deleted records too.
         *
         *     Runs the MCP tool `get_entity_history`.
         */
        get: operations["getTasksHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search names and emails across entity types at once
         * @description Search names, emails, phones, domains across entity types (a full name works); the best few of each. Finds an id from a name.
         *
         *     Runs the MCP tool `search_all_entities`.
         */
        get: operations["searchAll"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/custom-columns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The company's custom columns, optionally of one entity type
         * @description List the company's custom columns (id, entityType, label, type, options), optionally for one entity type.
         *
         *     Runs the MCP tool `list_custom_columns`.
         */
        get: operations["listCustomColumns"];
        put?: never;
        /**
         * Add a custom column to an entity type
         * @description Add a custom field to an entity type; its values are checked against its type, and a singleSelect needs options.
         *
         *     Runs the MCP tool `create_custom_column`.
         */
        post: operations["createCustomColumn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/custom-columns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a custom column and every value stored in it
         * @description Delete a custom column and every value stored in it. Irreversible; each record that held a value emits *.updated.
         *
         *     Runs the MCP tool `delete_custom_column`.
         */
        delete: operations["deleteCustomColumn"];
        options?: never;
        head?: never;
        /**
         * Rename a custom column or change a singleSelect's options
         * @description Rename a custom column or change a singleSelect's options (id deal.stage: the deal stages, in order); records whose value is no longer an option are listed in mismatched. Its type cannot change.
         *
         *     Runs the MCP tool `update_custom_column`.
         */
        patch: operations["updateCustomColumn"];
        trace?: never;
    };
    "/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The webhooks, newest first
         * @description List the webhooks, newest first, with each one's last delivery status; searchTerm matches url and description.
         *
         *     Runs the MCP tool `list_webhooks`.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Subscribe an https URL to events; a secret made here is shown once
         * @description Subscribe an https URL to events (list_webhook_events), POSTed as JSON signed with HMAC-SHA256; given no secret, one is made and returned once. Private addresses are refused.
         *
         *     Runs the MCP tool `create_webhook`.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One webhook (whether a secret is set, never which)
         * @description Read one webhook: url, events, enabled (or why it was disabled), retryPolicy, whether a secret is set (never which).
         *
         *     Runs the MCP tool `get_webhook`.
         */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook; its deliveries can no longer be resent
         * @description Delete a webhook. Irreversible: no more deliveries are sent to it and its past deliveries can no longer be resent.
         *
         *     Runs the MCP tool `delete_webhook`.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /**
         * Change any of a webhook's fields; a null secret removes it
         * @description Change any of a webhook's fields; the rest keep their value. A null secret removes it.
         *
         *     Runs the MCP tool `update_webhook`.
         */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new secret, shown once; the old one still signs for graceHours
         * @description New whsec_ secret, returned once; the old one also signs for graceHours so receivers can switch.
         *
         *     Runs the MCP tool `rotate_webhook_secret`.
         */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The delivery log, newest first
         * @description The delivery log, newest first, filtered by any of these fields; get_webhook_delivery shows one in full.
         *
         *     Runs the MCP tool `list_webhook_deliveries`.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook-deliveries/resend-failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resend, once, each event whose latest attempt in the window failed
         * @description Resend, once, each event whose latest attempt in the window failed (optionally of one webhook). Returns counts and ids.
         *
         *     Runs the MCP tool `resend_failed_webhook_deliveries`.
         */
        post: operations["resendFailedWebhookDeliveries"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook-deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One delivery in full: request, response, error, duration
         * @description One delivery in full: request headers and body, response status and body (first 64 KiB), error, duration.
         *
         *     Runs the MCP tool `get_webhook_delivery`.
         */
        get: operations["getWebhookDelivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook-deliveries/{id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again as a new one; answers with its outcome
         * @description Send a delivery again as a new one (resendOf = the original): same body, the webhook's current url and secret. Returns its outcome.
         *
         *     Runs the MCP tool `resend_webhook_delivery`.
         */
        post: operations["resendWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The event catalog with each payload's JSON Schema
         * @description The 15 events, each with when it fires and its payload keys; the payload JSON Schema of those named in events.
         *
         *     Runs the MCP tool `list_webhook_events`.
         */
        get: operations["listWebhookEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The user this API key acts as
         * @description The user this connection acts as (the API key's user); its id is the userId of every event this connection causes.
         *
         *     Runs the MCP tool `get_current_user`.
         */
        get: operations["getCurrentUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The company's users
         * @description The company's users; their ids go in userIds arrays.
         *
         *     Runs the MCP tool `list_users`.
         */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/company": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The company this API key works in
         * @description The company (tenant) this connection works in.
         *
         *     Runs the MCP tool `get_company`.
         */
        get: operations["getCompany"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            /** @description Each field at fault: `contacts[2].emails[0]`, a query or path parameter, or a header */
            errors?: {
                field: string;
                message: string;
            }[];
        };
    };
    responses: {
        /** @description An error, as RFC 9457 has it */
        Problem: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listContacts: {
        parameters: {
            query?: {
                searchTerm?: string;
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List contacts, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createContacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    contacts: {
                        firstName?: string | null;
                        lastName?: string | null;
                        jobTitle?: string | null;
                        /** @description Ordered: the first is the primary */
                        emails?: string[];
                        phones?: string[];
                        organizationIds?: string[];
                        dealIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Create 1-100 contacts (all or nothing) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateContacts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    contacts: {
                        id: string;
                        firstName?: string | null;
                        lastName?: string | null;
                        jobTitle?: string | null;
                        /** @description Ordered: the first is the primary */
                        emails?: string[];
                        phones?: string[];
                        organizationIds?: string[];
                        dealIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        /** @description Markdown or Tiptap JSON; null clears */
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Change 1-100 contacts, only the fields given (all or nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    searchContacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                    sort?: {
                        field: string;
                        /** @enum {string} */
                        direction?: "asc" | "desc";
                    };
                    /** @description Links as [{id, name}] */
                    linked?: boolean;
                    /** @description Only these fields (id always) */
                    fields?: string[];
                    /** @description Default 25 */
                    limit?: number;
                    /** @description The last page's nextCursor */
                    cursor?: string;
                };
            };
        };
        responses: {
            /** @description Find contacts by search term and filters, sorted and paged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countContacts: {
        parameters: {
            query?: {
                searchTerm?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Count contacts, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countContactsByFilters: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Count contacts matching a search term and filters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    describeContacts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The fields, relationship arrays and custom columns of contacts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        fields: {
                            [key: string]: unknown;
                        }[];
                        relations: {
                            [key: string]: unknown;
                        }[];
                        customColumns: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getContacts: {
        parameters: {
            query?: {
                include?: "masterData" | "withNotes";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Read one of the contacts; include=withNotes adds its notes as markdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteContacts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete one of the contacts; linked records lose the link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteContactsBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Delete 1-100 contacts (every id must exist, or nothing is deleted) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    linkContacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Add links to other records, keeping the existing ones */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unlinkContacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Remove some links, keeping the rest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getContactsNotes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A record's notes as markdown (null when it has none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        notes: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    replaceContactsNotes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Replace the notes of 1-100 records with markdown; null clears them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    appendContactsNotes: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Add markdown after the notes of 1-100 records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    setContactsCustomFields: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        customFieldValues: {
                            /** @description Column id or exact label */
                            columnId: string;
                            /** @description null clears */
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Set custom field values on 1-100 records (null clears) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getContactsHistory: {
        parameters: {
            query?: {
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who changed a record, when and what, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listOrganizations: {
        parameters: {
            query?: {
                searchTerm?: string;
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List organizations, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createOrganizations: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    organizations: {
                        name: string;
                        domain?: string | null;
                        website?: string | null;
                        phones?: string[];
                        contactIds?: string[];
                        dealIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Create 1-100 organizations (all or nothing) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateOrganizations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    organizations: {
                        id: string;
                        name?: string;
                        domain?: string | null;
                        website?: string | null;
                        phones?: string[];
                        contactIds?: string[];
                        dealIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        /** @description Markdown or Tiptap JSON; null clears */
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Change 1-100 organizations, only the fields given (all or nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    searchOrganizations: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                    sort?: {
                        field: string;
                        /** @enum {string} */
                        direction?: "asc" | "desc";
                    };
                    /** @description Links as [{id, name}] */
                    linked?: boolean;
                    /** @description Only these fields (id always) */
                    fields?: string[];
                    /** @description Default 25 */
                    limit?: number;
                    /** @description The last page's nextCursor */
                    cursor?: string;
                };
            };
        };
        responses: {
            /** @description Find organizations by search term and filters, sorted and paged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countOrganizations: {
        parameters: {
            query?: {
                searchTerm?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Count organizations, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countOrganizationsByFilters: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Count organizations matching a search term and filters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    describeOrganizations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The fields, relationship arrays and custom columns of organizations */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        fields: {
                            [key: string]: unknown;
                        }[];
                        relations: {
                            [key: string]: unknown;
                        }[];
                        customColumns: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getOrganizations: {
        parameters: {
            query?: {
                include?: "masterData" | "withNotes";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Read one of the organizations; include=withNotes adds its notes as markdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteOrganizations: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete one of the organizations; linked records lose the link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteOrganizationsBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Delete 1-100 organizations (every id must exist, or nothing is deleted) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    linkOrganizations: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Add links to other records, keeping the existing ones */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unlinkOrganizations: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Remove some links, keeping the rest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getOrganizationsNotes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A record's notes as markdown (null when it has none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        notes: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    replaceOrganizationsNotes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Replace the notes of 1-100 records with markdown; null clears them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    appendOrganizationsNotes: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Add markdown after the notes of 1-100 records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    setOrganizationsCustomFields: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        customFieldValues: {
                            /** @description Column id or exact label */
                            columnId: string;
                            /** @description null clears */
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Set custom field values on 1-100 records (null clears) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getOrganizationsHistory: {
        parameters: {
            query?: {
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who changed a record, when and what, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listDeals: {
        parameters: {
            query?: {
                searchTerm?: string;
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List deals, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createDeals: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    deals: {
                        name: string;
                        stage?: string;
                        expectedCloseDate?: string | null;
                        /** @description Replaces the deal's service lines */
                        services?: {
                            serviceId: string;
                            /** @default 1 */
                            quantity?: number;
                        }[];
                        organizationIds?: string[];
                        contactIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Create 1-100 deals (all or nothing) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateDeals: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    deals: {
                        id: string;
                        name?: string;
                        stage?: string;
                        expectedCloseDate?: string | null;
                        /** @description Replaces the deal's service lines */
                        services?: {
                            serviceId: string;
                            /** @default 1 */
                            quantity?: number;
                        }[];
                        organizationIds?: string[];
                        contactIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        /** @description Markdown or Tiptap JSON; null clears */
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Change 1-100 deals, only the fields given (all or nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    searchDeals: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                    sort?: {
                        field: string;
                        /** @enum {string} */
                        direction?: "asc" | "desc";
                    };
                    /** @description Links as [{id, name}] */
                    linked?: boolean;
                    /** @description Only these fields (id always) */
                    fields?: string[];
                    /** @description Default 25 */
                    limit?: number;
                    /** @description The last page's nextCursor */
                    cursor?: string;
                };
            };
        };
        responses: {
            /** @description Find deals by search term and filters, sorted and paged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countDeals: {
        parameters: {
            query?: {
                searchTerm?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Count deals, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countDealsByFilters: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Count deals matching a search term and filters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    describeDeals: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The fields, relationship arrays and custom columns of deals */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        fields: {
                            [key: string]: unknown;
                        }[];
                        relations: {
                            [key: string]: unknown;
                        }[];
                        customColumns: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getDeals: {
        parameters: {
            query?: {
                include?: "masterData" | "withNotes";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Read one of the deals; include=withNotes adds its notes as markdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteDeals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete one of the deals; linked records lose the link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteDealsBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Delete 1-100 deals (every id must exist, or nothing is deleted) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    linkDeals: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Add links to other records, keeping the existing ones */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unlinkDeals: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Remove some links, keeping the rest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getDealsNotes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A record's notes as markdown (null when it has none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        notes: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    replaceDealsNotes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Replace the notes of 1-100 records with markdown; null clears them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    appendDealsNotes: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Add markdown after the notes of 1-100 records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    setDealsCustomFields: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        customFieldValues: {
                            /** @description Column id or exact label */
                            columnId: string;
                            /** @description null clears */
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Set custom field values on 1-100 records (null clears) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getDealsHistory: {
        parameters: {
            query?: {
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who changed a record, when and what, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listServices: {
        parameters: {
            query?: {
                searchTerm?: string;
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List services, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createServices: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    services: {
                        name: string;
                        amount?: number;
                        dealIds?: string[];
                        userIds?: string[];
                        taskIds?: string[];
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Create 1-100 services (all or nothing) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateServices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    services: {
                        id: string;
                        name?: string;
                        amount?: number;
                        userIds?: string[];
                        taskIds?: string[];
                        /** @description Markdown or Tiptap JSON; null clears */
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Change 1-100 services, only the fields given (all or nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    searchServices: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                    sort?: {
                        field: string;
                        /** @enum {string} */
                        direction?: "asc" | "desc";
                    };
                    /** @description Links as [{id, name}] */
                    linked?: boolean;
                    /** @description Only these fields (id always) */
                    fields?: string[];
                    /** @description Default 25 */
                    limit?: number;
                    /** @description The last page's nextCursor */
                    cursor?: string;
                };
            };
        };
        responses: {
            /** @description Find services by search term and filters, sorted and paged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countServices: {
        parameters: {
            query?: {
                searchTerm?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Count services, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countServicesByFilters: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Count services matching a search term and filters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    describeServices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The fields, relationship arrays and custom columns of services */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        fields: {
                            [key: string]: unknown;
                        }[];
                        relations: {
                            [key: string]: unknown;
                        }[];
                        customColumns: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getServices: {
        parameters: {
            query?: {
                include?: "masterData" | "withNotes";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Read one of the services; include=withNotes adds its notes as markdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteServices: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete one of the services; linked records lose the link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteServicesBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Delete 1-100 services (every id must exist, or nothing is deleted) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    linkServices: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Add links to other records, keeping the existing ones */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unlinkServices: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Remove some links, keeping the rest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getServicesNotes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A record's notes as markdown (null when it has none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        notes: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    replaceServicesNotes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Replace the notes of 1-100 records with markdown; null clears them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    appendServicesNotes: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Add markdown after the notes of 1-100 records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    setServicesCustomFields: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        customFieldValues: {
                            /** @description Column id or exact label */
                            columnId: string;
                            /** @description null clears */
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Set custom field values on 1-100 records (null clears) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getServicesHistory: {
        parameters: {
            query?: {
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who changed a record, when and what, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listTasks: {
        parameters: {
            query?: {
                searchTerm?: string;
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List tasks, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createTasks: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    tasks: {
                        name: string;
                        dueDate?: string | null;
                        /** @enum {string} */
                        status?: "open" | "done";
                        contactIds?: string[];
                        organizationIds?: string[];
                        dealIds?: string[];
                        serviceIds?: string[];
                        /** @description Assignees */
                        userIds?: string[];
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Create 1-100 tasks (all or nothing) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateTasks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    tasks: {
                        id: string;
                        name?: string;
                        dueDate?: string | null;
                        /** @enum {string} */
                        status?: "open" | "done";
                        contactIds?: string[];
                        organizationIds?: string[];
                        dealIds?: string[];
                        serviceIds?: string[];
                        /** @description Assignees */
                        userIds?: string[];
                        /** @description Markdown or Tiptap JSON; null clears */
                        notes?: string | {
                            [key: string]: unknown;
                        } | null;
                        customFieldValues?: {
                            columnId: string;
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Change 1-100 tasks, only the fields given (all or nothing) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    searchTasks: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                    sort?: {
                        field: string;
                        /** @enum {string} */
                        direction?: "asc" | "desc";
                    };
                    /** @description Links as [{id, name}] */
                    linked?: boolean;
                    /** @description Only these fields (id always) */
                    fields?: string[];
                    /** @description Default 25 */
                    limit?: number;
                    /** @description The last page's nextCursor */
                    cursor?: string;
                };
            };
        };
        responses: {
            /** @description Find tasks by search term and filters, sorted and paged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countTasks: {
        parameters: {
            query?: {
                searchTerm?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Count tasks, optionally matching a search term */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    countTasksByFilters: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    searchTerm?: string;
                    filters?: {
                        /** @description From get_entity_configuration; a column's label too */
                        field: string;
                        /** @enum {string} */
                        operator: "equals" | "contains" | "gt" | "gte" | "lt" | "lte" | "in" | "notIn" | "between" | "isNull" | "isNotNull" | "hasSome" | "hasNone";
                        /** @description None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between */
                        value?: string | number | boolean | unknown[] | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Count tasks matching a search term and filters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        count: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    describeTasks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The fields, relationship arrays and custom columns of tasks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entity: string;
                        fields: {
                            [key: string]: unknown;
                        }[];
                        relations: {
                            [key: string]: unknown;
                        }[];
                        customColumns: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getTasks: {
        parameters: {
            query?: {
                include?: "masterData" | "withNotes";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Read one of the tasks; include=withNotes adds its notes as markdown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteTasks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete one of the tasks; linked records lose the link */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteTasksBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Delete 1-100 tasks (every id must exist, or nothing is deleted) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    linkTasks: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Add links to other records, keeping the existing ones */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    unlinkTasks: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description An id array's name: organizationIds, ... */
                    relation: string;
                    ids: string[];
                };
            };
        };
        responses: {
            /** @description Remove some links, keeping the rest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        relation: string;
                        ids: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getTasksNotes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A record's notes as markdown (null when it has none) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        notes: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    replaceTasksNotes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Replace the notes of 1-100 records with markdown; null clears them */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    appendTasksNotes: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        notes: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Add markdown after the notes of 1-100 records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    setTasksCustomFields: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    items: {
                        id: string;
                        customFieldValues: {
                            /** @description Column id or exact label */
                            columnId: string;
                            /** @description null clears */
                            value: string | number | boolean | null;
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description Set custom field values on 1-100 records (null clears) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            changed: string[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getTasksHistory: {
        parameters: {
            query?: {
                /** @description Default 25 */
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who changed a record, when and what, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    searchAll: {
        parameters: {
            query: {
                searchTerm: string;
                /** @description Default: all five */
                entities?: ("contact" | "organization" | "deal" | "service" | "task")[];
                /** @description Default 5 */
                limitPerEntity?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Search names and emails across entity types at once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        results: {
                            entity: string;
                            total: number;
                            items: {
                                [key: string]: unknown;
                            }[];
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listCustomColumns: {
        parameters: {
            query?: {
                entityType?: "contact" | "organization" | "deal" | "service" | "task";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The company's custom columns, optionally of one entity type */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createCustomColumn: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    entityType: "contact" | "organization" | "deal" | "service" | "task";
                    label: string;
                    /** @enum {string} */
                    type: "text" | "number" | "currency" | "date" | "datetime" | "singleSelect" | "email" | "phone" | "link" | "checkbox";
                    /** @default [] */
                    options?: string[];
                };
            };
        };
        responses: {
            /** @description Add a custom column to an entity type */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        label: string;
                        type: string;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteCustomColumn: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete a custom column and every value stored in it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateCustomColumn: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    label?: string;
                    options?: string[];
                };
            };
        };
        responses: {
            /** @description Rename a custom column or change a singleSelect's options */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        label: string;
                        type: string;
                        mismatched?: {
                            id: string;
                            value: string;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                /** @description Matches the url and the description */
                searchTerm?: string;
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhooks, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description https URL that receives the POSTs */
                    url: string;
                    /** @description Names from list_webhook_events */
                    events: string[];
                    description?: string | null;
                    /** @description Signs each POST; null: unsigned */
                    secret?: string | null;
                    /** @description Default true */
                    enabled?: boolean;
                    /**
                     * @description Default none; standard: retry at 5s,5m,30m,2h,5h,10h,10h
                     * @enum {string}
                     */
                    retryPolicy?: "none" | "standard";
                };
            };
        };
        responses: {
            /** @description Subscribe an https URL to events; a secret made here is shown once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        url: string;
                        enabled: boolean;
                        hasSecret: boolean;
                        secret?: string;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One webhook (whether a secret is set, never which) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        url: string;
                        enabled: boolean;
                        hasSecret: boolean;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete a webhook; its deliveries can no longer be resent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: string[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description https URL that receives the POSTs */
                    url?: string;
                    /** @description Names from list_webhook_events */
                    events?: string[];
                    description?: string | null;
                    /** @description Signs each POST; null: unsigned */
                    secret?: string | null;
                    /** @description Default true */
                    enabled?: boolean;
                    /**
                     * @description Default none; standard: retry at 5s,5m,30m,2h,5h,10h,10h
                     * @enum {string}
                     */
                    retryPolicy?: "none" | "standard";
                };
            };
        };
        responses: {
            /** @description Change any of a webhook's fields; a null secret removes it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        url: string;
                        enabled: boolean;
                        hasSecret: boolean;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description Hours the old secret still signs (default 24) */
                    graceHours?: number;
                };
            };
        };
        responses: {
            /** @description A new secret, shown once; the old one still signs for graceHours */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        url: string;
                        enabled: boolean;
                        hasSecret: boolean;
                        secret?: string;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Matches the url or the event name */
                searchTerm?: string;
                webhookId?: string;
                status?: "pending" | "scheduled" | "sending" | "succeeded" | "failed";
                /** @description Only failures no later attempt fixed */
                unresolved?: boolean;
                /** @description An event name: deal.updated, ... */
                event?: string;
                /** @description Created at or after */
                since?: string;
                /** @description Instead of since: the last N minutes */
                sinceMinutes?: number;
                /** @description Created at or before */
                until?: string;
                limit?: number;
                /** @description The last page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery log, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    resendFailedWebhookDeliveries: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @description Window start
                     */
                    since?: string;
                    /** @description Instead of since: the last N minutes */
                    sinceMinutes?: number;
                    /**
                     * Format: date-time
                     * @description Window end; default now
                     */
                    until?: string;
                    /** @description Only this webhook's deliveries */
                    webhookId?: string;
                };
            };
        };
        responses: {
            /** @description Resend, once, each event whose latest attempt in the window failed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        resentCount: number;
                        resent: {
                            id: string;
                            resendOf: string;
                        }[];
                        skippedCount: number;
                        skipped: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One delivery in full: request, response, error, duration */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        status: string;
                        error: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    resendWebhookDelivery: {
        parameters: {
            query?: never;
            header?: {
                /** @description A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422 */
                "Idempotency-Key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Send a delivery again as a new one; answers with its outcome */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        status: string;
                        error: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listWebhookEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event catalog with each payload's JSON Schema */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getCurrentUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user this API key acts as */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        email: string | null;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The company's users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
    getCompany: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The company this API key works in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                    };
                };
            };
            default: components["responses"]["Problem"];
        };
    };
}
